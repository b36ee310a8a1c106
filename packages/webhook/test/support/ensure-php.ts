/**
 * @module test/support/ensure-php
 * php-cli for the PHP receiver test, from Debian, as the test command does for Chromium: when `php` is missing and
 * we are root on a machine with apt-get, install it (about half a minute, once); otherwise fail with the command to
 * run. Never a skip: a README example that no test ran is exactly what this test exists to prevent.
 */
import { execFileSync, spawnSync } from 'node:child_process';

/** The php binary: `PHP_PATH` when set, else `php` on the PATH. */
export const PHP = process.env.PHP_PATH ?? 'php';

function phpVersion(): string | null {
  const result = spawnSync(PHP, ['-r', 'echo PHP_VERSION;'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : null;
}

/**
 * Returns the PHP version, installing Debian's php-cli first when it is missing and that is possible.
 *
 * @example
 * beforeAll(() => { phpVersion = ensurePhp(); }, 300_000);
 */
export function ensurePhp(): string {
  const found = phpVersion();
  if (found) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (!isRoot || !hasApt) {
    throw new Error(
      `php-cli is needed for the PHP receiver test and "${PHP}" was not found.\n` +
        'Install it with: sudo apt-get update && sudo apt-get install -y php-cli\n' +
        '(or set PHP_PATH to a php binary).',
    );
  }
  // Waits for the dpkg lock rather than failing when another install (Chromium for the browser tests) holds it.
  const lock = ['-o', 'DPkg::Lock::Timeout=300'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', [...lock, 'update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', [...lock, 'install', '-y', '-qq', '--no-install-recommends', 'php-cli'], {
    stdio: 'inherit',
    env,
  });
  const installed = phpVersion();
  if (!installed) throw new Error(`apt-get installed php-cli but "${PHP}" still does not run`);
  return installed;
}
