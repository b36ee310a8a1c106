/**
 * @module build-widget
 * Makes sure `packages/pay-button/dist/pay-button.js` exists and is newer than its sources before the demo starts,
 * so that a fresh clone runs with `pnpm install && pnpm start` and an edited element is rebuilt on the next start.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The workspace root (apps/demo/src → ../../..). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The pay-button package directory. */
export const PAY_BUTTON_DIR = join(REPO_ROOT, 'packages', 'pay-button');
/** The self-contained bundle the signer serves. */
export const WIDGET_BUNDLE = join(PAY_BUTTON_DIR, 'dist', 'pay-button.js');

const BUILD_INPUTS = ['package.json', 'vite.config.ts', 'tsconfig.json', 'tsconfig.build.json'];

function newestSourceMtime(dir: string): number {
  let newest = 0;
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full);
      // Tests do not go into the bundle: editing one must not trigger a rebuild.
      else if (/\.(ts|js|css)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name))
        newest = Math.max(newest, statSync(full).mtimeMs);
    }
  };
  if (existsSync(join(dir, 'src'))) walk(join(dir, 'src'));
  for (const name of BUILD_INPUTS) {
    const file = join(dir, name);
    if (existsSync(file)) newest = Math.max(newest, statSync(file).mtimeMs);
  }
  return newest;
}

/**
 * Why the bundle needs building, or null when it is up to date.
 *
 * @example
 * widgetBuildReason(); // 'dist/pay-button.js is missing' on a fresh clone
 */
export function widgetBuildReason(packageDir = PAY_BUTTON_DIR): string | null {
  const bundle = join(packageDir, 'dist', 'pay-button.js');
  if (!existsSync(bundle)) return 'dist/pay-button.js is missing';
  if (statSync(bundle).mtimeMs < newestSourceMtime(packageDir))
    return 'dist/pay-button.js is older than its sources';
  return null;
}

/** How to run pnpm: the one running us (`npm_execpath`), else `pnpm` on the PATH. */
function pnpmCommand(): { command: string; args: string[] } {
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm/.test(execPath)) {
    return /\.c?js$/.test(execPath)
      ? { command: process.execPath, args: [execPath] }
      : { command: execPath, args: [] };
  }
  return { command: 'pnpm', args: [] };
}

/**
 * Runs `pnpm --filter @jupay/pay-button build` when {@link widgetBuildReason} says so. Resolves to what happened;
 * a failed build is reported, not thrown: the signer then answers `/pay-button.js` with a 503 naming the command.
 *
 * @example
 * const result = await ensureWidgetBuilt({ log: console.log });
 */
export async function ensureWidgetBuilt(
  options: { log?: (line: string) => void } = {},
): Promise<'up-to-date' | 'built' | 'failed'> {
  const log = options.log ?? (() => {});
  const reason = widgetBuildReason();
  if (reason === null) return 'up-to-date';
  const { command, args } = pnpmCommand();
  log(`Building <pay-button> (${reason}): pnpm --filter @jupay/pay-button build`);
  const code = await new Promise<number>((resolve) => {
    const child = spawn(command, [...args, '--filter', '@jupay/pay-button', 'build'], {
      cwd: REPO_ROOT,
      stdio: 'inherit',
    });
    child.once('error', () => resolve(-1));
    child.once('exit', (exitCode) => resolve(exitCode ?? -1));
  });
  if (code === 0 && existsSync(WIDGET_BUNDLE)) return 'built';
  log(
    'The <pay-button> build failed; the shop page will say so. Fix it and run: pnpm --filter @jupay/pay-button build',
  );
  return 'failed';
}
