#!/usr/bin/env node
// The browser tests drive Debian's Chromium (no browser downloads are possible on these machines). On a fresh
// machine it is not there yet: install it when we can (root on Debian), otherwise say exactly what to run.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

if (existsSync(CHROMIUM)) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
if (!isRoot || !hasApt) {
  console.error(
    `Chromium is needed for the browser tests and was not found at ${CHROMIUM}.\n` +
      'Install it with: sudo apt-get update && sudo apt-get install -y chromium\n' +
      '(or set CHROMIUM_PATH to a Chromium or Chrome binary).',
  );
  process.exit(1);
}

console.log('Installing Chromium from Debian for the browser tests (about a minute, once)...');
execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
// With a CJK font, so the end-to-end screenshots of the Chinese pages are readable (1.6 MB).
execFileSync('apt-get', ['install', '-y', '-qq', 'chromium', 'fonts-wqy-microhei'], {
  stdio: 'inherit',
  env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
});
if (!existsSync(CHROMIUM)) {
  console.error(`apt-get finished but ${CHROMIUM} is still missing`);
  process.exit(1);
}
