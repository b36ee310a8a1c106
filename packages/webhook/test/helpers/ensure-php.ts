/**
 * @module test/helpers/ensure-php
 * php-cli for the PHP receiver test. `pnpm test` installs it beforehand (scripts/ensure-test-tools.mjs, the one
 * place that installs the tests' system programs); run alone, the test fails with that script's name when `php` is
 * missing. Never a skip: a README example that no test ran is exactly what this test exists to prevent.
 */
import { spawnSync } from 'node:child_process';

/** The php binary: `PHP_PATH` when set, else `php` on the PATH. */
export const PHP = process.env.PHP_PATH ?? 'php';

/**
 * Returns the PHP version, or throws naming what to run when php-cli is missing.
 *
 * @example
 * beforeAll(() => { phpVersion = ensurePhp(); });
 */
export function ensurePhp(): string {
  const result = spawnSync(PHP, ['-r', 'echo PHP_VERSION;'], { encoding: 'utf8' });
  if (result.status === 0) return result.stdout.trim();
  throw new Error(
    `php-cli is needed for the PHP receiver test and "${PHP}" does not run.\n` +
      'Install it with: node scripts/ensure-test-tools.mjs php (as root on Debian; pnpm test runs it),\n' +
      'or set PHP_PATH to a php binary.',
  );
}
