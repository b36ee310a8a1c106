/**
 * @module test/vite-app.test
 * The package as a merchant's build tool sees it: installed into a fresh Vite vanilla-ts app (the tsconfig of
 * create-vite 9's template: erasableSyntaxOnly, verbatimModuleSyntax, bundler resolution), type-checked with `tsc`
 * and built with `vite build`, both from this workspace. Installed twice: by path (a symlink, as `npm install
 * <folder>` does) and as the packed files (`npm pack`, what a registry or a built git checkout delivers). Needs the
 * package built (`pnpm build`, which the root test command runs first).
 */
import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const PACKAGE = fileURLToPath(new URL('..', import.meta.url));
/** A dependency's folder, as Node would find it from this package (its node_modules, then the workspace's). */
const packageDir = (name: string) =>
  realpathSync([PACKAGE, join(PACKAGE, '../..')].map((d) => join(d, 'node_modules', name)).find(existsSync)!);
const TSC = join(packageDir('typescript'), 'bin', 'tsc');

// create-vite 9.3's template-vanilla-ts tsconfig.json, option for option.
const CREATE_VITE_TSCONFIG = {
  compilerOptions: {
    target: 'es2023',
    module: 'esnext',
    lib: ['ES2023', 'DOM'],
    types: ['vite/client'],
    allowArbitraryExtensions: true,
    skipLibCheck: true,
    moduleResolution: 'bundler',
    allowImportingTsExtensions: true,
    verbatimModuleSyntax: true,
    moduleDetection: 'force',
    noEmit: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    erasableSyntaxOnly: true,
    noFallthroughCasesInSwitch: true,
  },
  include: ['src'],
};

/** The two ways the apps use the package: the main entry (registers the tag), and the class-only entry. */
const MAIN = `import '@jupay/pay-button';
import type { PayStatusEvent } from '@jupay/pay-button';

const el = document.createElement('pay-button');
el.signer = 'https://pay.shop.example';
el.theme = 'dark';
el.addEventListener('pay-status', (e: PayStatusEvent) => console.log(e.detail.status));
document.querySelector<HTMLDivElement>('#app')!.append(el);
`;
const CLASS_ONLY = `import { PayButton } from '@jupay/pay-button/class';

customElements.define('shop-pay', class extends PayButton {});
document.body.append(document.createElement('shop-pay'));
`;

let work: string;
let packed: string;

/** A fresh app with `main` as src/main.ts and the package placed in node_modules by `install`. */
function app(name: string, main: string, install: (target: string) => void): string {
  const dir = join(work, name);
  mkdirSync(join(dir, 'src'), { recursive: true });
  mkdirSync(join(dir, 'node_modules', '@jupay'), { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name, private: true, type: 'module', dependencies: { '@jupay/pay-button': '*' } }),
  );
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(CREATE_VITE_TSCONFIG, null, 2));
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><html lang="en"><body><div id="app"></div><script type="module" src="/src/main.ts"></script></body></html>',
  );
  writeFileSync(join(dir, 'src', 'main.ts'), main);
  // The app's own tools and Lit, as its npm install would provide them.
  symlinkSync(packageDir('vite'), join(dir, 'node_modules', 'vite'), 'dir');
  symlinkSync(packageDir('lit'), join(dir, 'node_modules', 'lit'), 'dir');
  install(join(dir, 'node_modules', '@jupay', 'pay-button'));
  return dir;
}

const byPath = (target: string) => symlinkSync(PACKAGE, target, 'dir');
const packedCopy = (target: string) => cpSync(packed, target, { recursive: true });

/** `tsc -p` with the app's tsconfig: its output, and whether it passed. */
async function typecheck(dir: string): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout } = await run(process.execPath, [TSC, '-p', join(dir, 'tsconfig.json')], { cwd: dir });
    return { ok: true, output: stdout };
  } catch (error) {
    return { ok: false, output: String((error as { stdout?: string }).stdout ?? error) };
  }
}

/** `vite build` of the app: the JavaScript it wrote. */
async function viteBuild(dir: string): Promise<string> {
  await build({ root: dir, configFile: false, logLevel: 'silent', build: { outDir: join(dir, 'dist') } });
  const assets = join(dir, 'dist', 'assets');
  return readdirSync(assets)
    .filter((f) => f.endsWith('.js'))
    .map((f) => readFileSync(join(assets, f), 'utf8'))
    .join('\n');
}

const defines = (js: string, tag: string) =>
  new RegExp(`customElements\\.define\\(["'\`]${tag}["'\`]`).test(js);

beforeAll(async () => {
  if (
    !existsSync(join(PACKAGE, 'dist', 'lib', 'main.js')) ||
    !existsSync(join(PACKAGE, 'dist', 'lib', 'main.d.ts'))
  )
    throw new Error('@jupay/pay-button is not built: run pnpm --filter @jupay/pay-button build');
  work = mkdtempSync(join(tmpdir(), 'pay-button-vite-app-'));
  // What the registry (or a git checkout with its build run) holds: the package's `files`, unpacked.
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: PACKAGE });
  const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
  await run('tar', ['xzf', join(work, filename), '-C', work]);
  packed = join(work, 'package');
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('@jupay/pay-button in a fresh Vite vanilla-ts app', () => {
  for (const [how, install] of [
    ['installed by path', byPath],
    ['installed from the packed files', packedCopy],
  ] as const) {
    it(`${how}: import '@jupay/pay-button' type-checks, builds and registers <pay-button>`, async () => {
      const dir = app(`main-${how.split(' ').at(-1)}`, MAIN, install);
      const checked = await typecheck(dir);
      expect(checked.output).toBe('');
      expect(checked.ok).toBe(true);
      const js = await viteBuild(dir);
      expect(defines(js, 'pay-button')).toBe(true);
      // Lit came along (the package's dependency, from the app's node_modules).
      expect(js).toContain('litElementVersions');
    });

    it(`${how}: the class-only entry registers nothing of its own`, async () => {
      const dir = app(`class-${how.split(' ').at(-1)}`, CLASS_ONLY, install);
      const checked = await typecheck(dir);
      expect(checked.output).toBe('');
      expect(checked.ok).toBe(true);
      const js = await viteBuild(dir);
      expect(defines(js, 'shop-pay')).toBe(true);
      expect(defines(js, 'pay-button')).toBe(false);
    });
  }

  it('the sources themselves would fail that tsconfig (why the exports point at the build)', async () => {
    const dir = app('sources', MAIN, (target) => {
      mkdirSync(target);
      cpSync(join(PACKAGE, 'src'), join(target, 'src'), { recursive: true });
      writeFileSync(
        join(target, 'package.json'),
        JSON.stringify({ name: '@jupay/pay-button', type: 'module', exports: { '.': './src/main.ts' } }),
      );
    });
    const checked = await typecheck(dir);
    expect(checked.ok).toBe(false);
    expect(checked.output).toMatch(/TS1294/);
  });
});
