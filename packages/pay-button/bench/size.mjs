// @module bench/size: the gzip and raw size of dist/pay-button.js (run `pnpm build` first) next to a bare Lit
// element bundled and minified by vite in the same run, as the baseline. Prints BENCH lines (docs/CONTRACTS.md).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const TARGET = 12 * 1024;
const bundle = fileURLToPath(new URL('../dist/pay-button.js', import.meta.url));
let ours;
try {
  ours = readFileSync(bundle);
} catch {
  console.error(`${bundle} is missing: run \`pnpm --filter @jupay/pay-button build\` first`);
  process.exit(1);
}

// The baseline: the smallest useful Lit element (styles, one property, a template), built like ours.
const dir = mkdtempSync(join(tmpdir(), 'pay-button-bench-'));
let bare;
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
  bare = readFileSync(join(dir, 'out', 'bare.js'));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// zlib's default level (6), what `gzip` and most servers' compression use; -9 is only about 10 B smaller.
const gz = (b) => gzipSync(b).length;
const line = (name, value, baselineName, baseline, target) =>
  console.log(
    `BENCH ${JSON.stringify({ name, value, unit: 'B', baselineName, baseline, ratio: Math.round((value / baseline) * 1000) / 1000, target })}`,
  );
line('pay-button.js gzip', gz(ours), 'bare Lit element gzip', gz(bare), `<= ${TARGET} B`);
line('pay-button.js raw', ours.length, 'bare Lit element raw', bare.length, 'report only');
if (gz(ours) > TARGET) {
  console.error(`pay-button.js is ${gz(ours)} B gzip, over the ${TARGET} B budget`);
  process.exitCode = 1;
}
