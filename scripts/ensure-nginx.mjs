#!/usr/bin/env node
// The reverse-proxy end-to-end test (apps/signer/test/nginx.test.ts) runs Debian's nginx in front of the signer with
// the shipped deploy/nginx.conf. On a fresh machine it is not there yet: install it when we can (root on Debian),
// otherwise say exactly what to run. The package's own service is never started: the test runs its own nginx, as
// an unprivileged child on a free port, and nothing is left listening on port 80.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';

const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';

if (existsSync(NGINX)) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
if (!isRoot || !hasApt) {
  console.error(
    `nginx is needed for the reverse-proxy test and was not found at ${NGINX}.\n` +
      'Install it with: sudo apt-get update && sudo apt-get install -y nginx\n' +
      '(or set NGINX_PATH to an nginx binary).',
  );
  process.exit(1);
}

console.log('Installing nginx from Debian for the reverse-proxy test (once)...');
// Debian's policy hook: exit 101 tells the package scripts not to start the service they install.
const POLICY = '/usr/sbin/policy-rc.d';
const ownPolicy = !existsSync(POLICY);
if (ownPolicy) writeFileSync(POLICY, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
try {
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', 'nginx'], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
} finally {
  if (ownPolicy) rmSync(POLICY, { force: true });
}
if (!existsSync(NGINX)) {
  console.error(`apt-get finished but ${NGINX} is still missing`);
  process.exit(1);
}
