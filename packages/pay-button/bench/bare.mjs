// @module bench/bare: the baseline for the benchmarks, the smallest useful Lit element (styles, one property, a
// template) bundled and minified by vite like dist/pay-button.js, built into a temporary folder in the same run.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

/**
 * Builds the bare element and returns its bundle.
 *
 * @example
 * const bare = await buildBare(); // Buffer, about 15 KB raw
 */
export async function buildBare() {
  const dir = mkdtempSync(join(tmpdir(), 'pay-button-bench-'));
  try {
    writeFileSync(
      join(dir, 'bare.js'),
      `import { LitElement, html, css } from 'lit';
class BareElement extends LitElement {
  static styles = css\`:host { display: block; }\`;
  static properties = { name: {} };
  render() { return html\`<p>Hello \${this.name}</p>\`; }
}
if (!customElements.get('bare-element')) customElements.define('bare-element', BareElement);
`,
    );
    await build({
      configFile: false,
      logLevel: 'silent',
      root: dir,
      // The fixture lives outside the workspace: resolve lit from this package.
      resolve: { alias: { lit: fileURLToPath(import.meta.resolve('lit')) } },
      build: {
        target: 'es2022',
        outDir: join(dir, 'out'),
        lib: { entry: join(dir, 'bare.js'), formats: ['es'], fileName: () => 'bare.js' },
        rolldownOptions: { output: { minify: true } },
      },
    });
    return readFileSync(join(dir, 'out', 'bare.js'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Reads dist/pay-button.js, or exits with a hint when the package is not built.
 *
 * @example
 * const ours = readBundle();
 */
export function readBundle() {
  const bundle = fileURLToPath(new URL('../dist/pay-button.js', import.meta.url));
  try {
    return readFileSync(bundle);
  } catch {
    console.error(`${bundle} is missing: run \`pnpm --filter @jupay/pay-button build\` first`);
    process.exit(1);
  }
}
