#!/usr/bin/env node
// @module scripts/ensure-test-tools: the programs the tests run that npm cannot provide, from Debian: Chromium
// (browser and end-to-end tests, with a CJK font so the screenshots of the Chinese pages are readable), nginx (the
// reverse-proxy test in front of the signer) and php-cli (the webhook package's PHP receiver). It is the one place
// that installs them: `pnpm test` runs it first, `.ci/run` leaves it to `pnpm test`, and a test that finds a tool
// missing names this script. Whatever is missing goes in ONE apt-get call (a fresh machine pays for one package
// index update, not three), as root on Debian; anywhere else it prints the command to run and exits 1.
//
//   node scripts/ensure-test-tools.mjs              # every tool
//   node scripts/ensure-test-tools.mjs chromium     # only these (chromium, nginx, php)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';

/** Each tool: how to tell it is there, and the Debian packages that provide it. */
const TOOLS = {
  chromium: {
    what: 'Chromium for the browser and end-to-end tests',
    present: () =>
      existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium') &&
      // The CJK font is checked apart: a machine may have Chromium from elsewhere and no font.
      existsSync('/usr/share/fonts/truetype/wqy/wqy-microhei.ttc'),
    packages: ['chromium', 'fonts-wqy-microhei'],
    override: 'CHROMIUM_PATH',
  },
  nginx: {
    what: 'nginx for the reverse-proxy test (apps/signer/test/nginx.test.ts)',
    present: () => existsSync(process.env.NGINX_PATH ?? '/usr/sbin/nginx'),
    packages: ['nginx'],
    override: 'NGINX_PATH',
  },
  php: {
    what: 'php-cli for the PHP webhook receiver test (packages/webhook/test/receivers.test.ts)',
    present: () =>
      spawnSync(process.env.PHP_PATH ?? 'php', ['-r', 'echo PHP_VERSION;'], { stdio: 'ignore' }).status === 0,
    packages: ['php-cli'],
    override: 'PHP_PATH',
  },
};

const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !Object.hasOwn(TOOLS, name));
if (unknown.length > 0) {
  console.error(
    `ensure-test-tools: unknown tool ${unknown.join(', ')} (known: ${Object.keys(TOOLS).join(', ')})`,
  );
  process.exit(2);
}
const missing = (asked.length > 0 ? asked : Object.keys(TOOLS)).filter((name) => !TOOLS[name].present());
if (missing.length === 0) process.exit(0);

const packages = missing.flatMap((name) => TOOLS[name].packages);
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
if (!isRoot || !hasApt) {
  console.error(
    `The tests need programs that are not installed:\n` +
      missing.map((name) => `  ${TOOLS[name].what} (or set ${TOOLS[name].override})\n`).join('') +
      `On Debian or Ubuntu: sudo apt-get update && sudo apt-get install -y ${packages.join(' ')}`,
  );
  process.exit(1);
}

console.log(
  `Installing ${packages.join(', ')} from Debian for the tests (once; about a minute for Chromium)...`,
);
// Debian's policy hook: exit 101 tells package scripts not to start the services they install, so installing nginx
// leaves nothing listening on port 80 (the test runs its own nginx on a free port).
const POLICY = '/usr/sbin/policy-rc.d';
const ownPolicy = !existsSync(POLICY);
if (ownPolicy) writeFileSync(POLICY, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
try {
  // Waits for the dpkg lock instead of failing when another install holds it.
  const apt = (args) =>
    execFileSync('apt-get', ['-o', 'DPkg::Lock::Timeout=300', ...args], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  apt(['update', '-qq']);
  apt(['install', '-y', '-qq', ...packages]);
} finally {
  if (ownPolicy) rmSync(POLICY, { force: true });
}
const still = missing.filter((name) => !TOOLS[name].present());
if (still.length > 0) {
  console.error(
    `apt-get finished but these are still missing: ${still.map((name) => TOOLS[name].what).join('; ')}`,
  );
  process.exit(1);
}
