/**
 * @module vite config: the self-contained `dist/pay-button.js` for `<script type="module">`: lit bundled, minified,
 * defining the element on load. The npm modules (lit external) and the .d.ts come from `tsc -p tsconfig.build.json`.
 */
import { defineConfig, type Plugin } from 'vite';

type Node = { type: string; start: number; end: number; [key: string]: unknown };

/** CSS inside css`` templates: comments and layout whitespace go. A space before `:` is kept (descendant selectors). */
const minifyCss = (s: string) =>
  s
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/ ?([{};,>]) ?/g, '$1')
    .replace(/: /g, ':')
    // calc(var(--_gap) / 2) -> calc(var(--_gap)/2): only + and - need spaces around them in calc().
    .replace(/\) ([*/]) /g, ')$1')
    .replace(/@media \(/g, '@media(')
    .replace(/;}/g, '}')
    // [part='x'] -> [part=x] and 0.5rem -> .5rem: the same CSS, fewer bytes.
    .replace(/='([\w-]+)'\]/g, '=$1]')
    .replace(/([ :(])0\./g, '$1.')
    .trim();

/**
 * Markup inside html``/svg`` templates: a run of whitespace with a line break becomes one space, and whitespace
 * right after a `>` or right before a `<` goes (no attribute value here holds either character). That whitespace would
 * be a text node that renders as nothing in this element, whose texts all sit in flex or grid containers (which
 * drop whitespace-only text between items) or at the edges of an element.
 */
const minifyMarkup = (s: string) =>
  s
    .replace(/\s*\n\s*/g, ' ')
    // Inside a tag, a space before its closing `>` is layout only (but not before `/>`, which an unquoted value
    // binding would swallow).
    .replace(/ +>/g, '>')
    .replace(/> +/g, '>')
    .replace(/ +</g, '<');

/**
 * Vite keeps template literals as written; Lit templates are mostly indentation. This shrinks the static parts of
 * `html`, `svg` and `css` tagged templates, found through the parser (not a regex over code), in src/ only.
 */
function minifyLitTemplates(): Plugin {
  return {
    name: 'minify-lit-templates',
    apply: 'build',
    transform(code, id) {
      if (!/\/src\/[\w.-]+\.ts$/.test(id) || !/\b(html|svg|css)`|unsafeCSS\(/.test(code)) return null;
      const edits: [number, number, string][] = [];
      const walk = (node: unknown): void => {
        if (Array.isArray(node)) return node.forEach(walk);
        if (!node || typeof node !== 'object') return;
        const n = node as Node;
        const tag = n.type === 'TaggedTemplateExpression' && (n.tag as Node & { name?: string }).name;
        // unsafeCSS(`...`): a stylesheet written without the css tag (pay-button.styles.ts says why).
        const sheet =
          n.type === 'CallExpression' &&
          (n.callee as Node & { name?: string }).name === 'unsafeCSS' &&
          (n.arguments as Node[])[0]?.type === 'TemplateLiteral'
            ? ((n.arguments as Node[])[0] as Node)
            : null;
        if (tag === 'html' || tag === 'svg' || tag === 'css' || sheet) {
          const quasi = (sheet ?? n.quasi) as { quasis: (Node & { value: { raw: string } })[] };
          for (const q of quasi.quasis) {
            const raw = code.slice(q.start, q.end);
            if (raw !== q.value.raw) throw new Error(`minify-lit-templates: unexpected quasi span in ${id}`);
            edits.push([q.start, q.end, tag === 'css' || sheet ? minifyCss(raw) : minifyMarkup(raw)]);
          }
        }
        for (const v of Object.values(n)) if (v && typeof v === 'object') walk(v);
      };
      walk(this.parse(code));
      let out = code;
      for (const [start, end, text] of edits.sort((a, b) => b[0] - a[0])) {
        out = out.slice(0, start) + text + out.slice(end);
      }
      return { code: out, map: null };
    },
  };
}

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
