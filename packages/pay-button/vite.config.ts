/**
 * @module vite config: the self-contained `dist/pay-button.js` for `<script type="module">`: lit bundled, minified,
 * defining the element on load, its Lit templates minified too (build/minify-lit-templates.ts). The npm modules (lit
 * external) and the .d.ts come from `tsc -p tsconfig.build.json`.
 */
import { defineConfig, type Plugin } from 'vite';
import { minifyLitTemplates } from './build/minify-lit-templates.ts';

/**
 * Lit's production build keeps three developer messages for misuse this bundle cannot commit (a `new CSSResult`, a
 * non-`css` value inside css``, a hand-made template strings array): 139 B of gzip for an error nobody sees. Each
 * is replaced by the word "lit" (the error is still thrown). The build fails if Lit's text changes, so a new
 * message is looked at rather than silently kept.
 */
function shortenLitErrors(): Plugin {
  const messages = [
    /"CSSResult is not constructable\. Use `unsafeCSS` or `css` instead\."/,
    /"Value passed to 'css' function must be a 'css' function result: "\s*\+\s*(\w+)\s*\+\s*"\. Use 'unsafeCSS' to pass non-literal values, but take care to ensure page security\."/,
    /"invalid template strings array"/,
  ];
  const found = new Set<number>();
  return {
    name: 'shorten-lit-errors',
    apply: 'build',
    transform(code, id) {
      if (!/[\\/]node_modules[\\/].*(@lit[\\/]reactive-element|lit-html)[\\/]/.test(id)) return null;
      let out = code;
      messages.forEach((message, i) => {
        if (!message.test(out)) return;
        found.add(i);
        out = out.replace(message, '"lit"');
      });
      return out === code ? null : { code: out, map: null };
    },
    buildEnd(error) {
      if (!error && found.size !== messages.length)
        this.error(
          `shorten-lit-errors: ${messages.length - found.size} of Lit's messages not found (Lit changed?)`,
        );
    },
  };
}

export default defineConfig({
  plugins: [minifyLitTemplates(), shortenLitErrors()],
  // Lit's production build whatever NODE_ENV says: vite picks the "development" export condition when NODE_ENV is
  // set to anything but production, as vitest sets it for a build started from a test (apps/demo builds the
  // widget on demand), and Lit's development build is larger and warns in the console.
  resolve: { conditions: ['module', 'browser', 'production'] },
  build: {
    target: 'es2022',
    // tsc has already written the npm build into dist/lib: add to dist, do not wipe it.
    emptyOutDir: false,
    lib: { entry: 'src/define.ts', formats: ['es'], fileName: () => 'pay-button.js' },
    // Annotation comments (/* @__PURE__ */) only help a later bundler, and this file is final: 30 B of gzip.
    rolldownOptions: { output: { minify: true, comments: { annotation: false } } },
  },
});
