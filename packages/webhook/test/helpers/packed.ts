/**
 * @module test/helpers/packed
 * The package as a user gets it: `pnpm pack` (which builds it first), then `npm install --offline` of the tarball
 * into an empty folder outside the workspace. Its dependency, and any extra package a test needs, are packed from
 * the workspace's own installed copies, so the install needs no registry and nothing of the workspace is reachable.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** packages/webhook. */
export const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));

const require = createRequire(join(PACKAGE_DIR, 'package.json'));

/** The folder of an installed package, found from its main entry (its `package.json` may not be exported). */
function installedRoot(name: string): string {
  let dir = dirname(require.resolve(name));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (manifest.name === name) return realpathSync(dir);
    } catch {
      // not a package root: keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the installed folder of ${name}`);
    dir = parent;
  }
}

function packedPath(output: string): string {
  const path = output
    .trim()
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.endsWith('.tgz'))
    .pop();
  if (!path) throw new Error(`no tarball in the pack output:\n${output}`);
  return path;
}

/** Runs npm without the npm_config_* settings pnpm passes to the scripts it runs (they are not npm's). */
function npm(args: string[], cwd: string): string {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_config_/i.test(name)));
  return execFileSync('npm', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** What {@link installPacked} made. */
export interface PackedInstall {
  /** The tarball of @jupay/webhook. */
  tarball: string;
  /** The folder it is installed in (`node_modules/@jupay/webhook`), with a `"type": "module"` package.json. */
  dir: string;
  /** Deletes the install and the dependency tarballs made for it. */
  remove(): void;
}

/**
 * Packs @jupay/webhook with `pnpm pack`, which builds it first, into `destination`; returns the tarball's path.
 * Run once per test run (global-setup.ts): two packs at the same time would rebuild `dist` under each other.
 *
 * @example
 * const tarball = packWebhook(mkdtempSync(join(tmpdir(), 'pack-')));
 */
export function packWebhook(destination: string): string {
  const output = execFileSync('pnpm', ['pack', '--pack-destination', destination], {
    cwd: PACKAGE_DIR,
    encoding: 'utf8',
  });
  return packedPath(output);
}

/**
 * Installs the packed @jupay/webhook (`tarball`), with `@noble/hashes` and `extra` packages, into a new empty
 * folder.
 *
 * @example
 * const { dir } = installPacked(inject('webhookTarball'), ['hono', '@hono/node-server']);
 */
export function installPacked(tarball: string, extra: readonly string[] = []): PackedInstall {
  const root = mkdtempSync(join(tmpdir(), 'jupay-webhook-packed-'));
  const tarballs = join(root, 'tarballs');
  const dir = join(root, 'app');
  mkdirSync(tarballs);
  mkdirSync(dir);
  // npm packs a copy: packing the folder inside pnpm's store directly makes npm 11 crash ("Exit handler never
  // called"), and a copy holds exactly the files the registry tarball had.
  const copies = join(root, 'copies');
  const dependencies = ['@noble/hashes', ...extra].map((name) => {
    const copy = join(copies, name.replace('/', '+'));
    cpSync(installedRoot(name), copy, { recursive: true, dereference: true });
    return join(tarballs, packedPath(npm(['pack', '--ignore-scripts', copy], tarballs)));
  });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'receiver', private: true, type: 'module' }),
  );
  npm(['install', '--offline', '--no-audit', '--no-fund', tarball, ...dependencies], dir);
  return { tarball, dir, remove: () => rmSync(root, { recursive: true, force: true }) };
}
