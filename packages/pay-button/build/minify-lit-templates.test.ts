/**
 * @module build/minify-lit-templates.test
 * The template minifier on inputs that break a minifier working on the code's text: templates' look-alikes in
 * strings, regular expressions, comments and other templates; CSS strings holding comments and spaces; attribute
 * values holding `>` and line breaks; `<pre>`; expressions that split a string or a tag. Then the element's own
 * sources: minified, they still parse and keep every expression.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { parseAst, transformWithOxc } from 'vite';
import { describe, expect, it } from 'vitest';
import { minifyCss, minifyMarkup, minifyTemplatesIn } from './minify-lit-templates.ts';

const min = (code: string) => minifyTemplatesIn(code, (text) => parseAst(text));

describe('minifyTemplatesIn', () => {
  it('minifies html, svg and css templates and unsafeCSS stylesheets', () => {
    expect(min('const a = html`<p>\n  <b>x</b>\n</p>`;')).toBe('const a = html`<p><b>x</b></p>`;');
    expect(min('const a = svg`<g>\n  <path d="M0 0"/>\n</g>`;')).toBe(
      'const a = svg`<g><path d="M0 0"/></g>`;',
    );
    expect(min('const a = css`:host {\n  color: red;\n}`;')).toBe('const a = css`:host{color:red}`;');
    expect(min('const a = unsafeCSS(`\n  a {\n    margin: 0 ;\n  }\n`);')).toBe(
      'const a = unsafeCSS(`a{margin:0}`);',
    );
  });

  it('leaves strings, regular expressions and comments that look like templates alone', () => {
    const code = [
      "const s1 = 'html`<p>\\n  x</p>`';",
      'const s2 = "css`a {  b: c }`";',
      'const re = /html`\\s+<p>  `/g;',
      '// html`<p>\n//   x</p>`',
      '/* css`a {\n  b: c;\n}` */',
      'const t = `<p>\n  untagged</p>`;',
      'const r = String.raw`<p>\n  raw</p>`;',
      'const q = sql`select  *\n  from t`;',
    ].join('\n');
    expect(min(code)).toBe(null);
    expect(min(`${code}\nconst h = html\`<i>\n</i>\`;`)).toBe(`${code}\nconst h = html\`<i></i>\`;`);
  });

  it('minifies templates nested in expressions and leaves the expressions as written', () => {
    const code =
      "html`<ul>\n  ${items.map((i) => html`<li>\n    ${i > 1 ? 'a  >  b' : `  ${i}  `}\n  </li>`)}\n</ul>`";
    expect(min(code)).toBe(
      "html`<ul>${items.map((i) => html`<li>${i > 1 ? 'a  >  b' : `  ${i}  `}</li>`)}</ul>`",
    );
  });

  it('keeps escapes in the raw text: an escaped backtick and an escaped ${', () => {
    const code = 'html`<p>\n  a \\` b \\${c}\n</p>`';
    expect(min(code)).toBe('html`<p>a \\` b \\${c}</p>`');
    // Run the minified template to see what it says: the cooked strings keep the escaped characters.
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    expect(new Function('html', `return ${min(code)!}`)((s: TemplateStringsArray) => s.join('|'))).toBe(
      '<p>a ` b ${c}</p>',
    );
  });
});

describe('minifyCss', () => {
  it('keeps quoted strings exactly, comment-like text and spaces included', () => {
    expect(minifyCss([`a::before {\n  content: '/* not a comment */  x , y';\n}\n/* a comment */`])).toEqual([
      "a::before{content:'/* not a comment */  x , y'}",
    ]);
    expect(minifyCss([`a { content: "it's \\"quoted\\"  " ; }`])).toEqual([
      `a{content:"it's \\"quoted\\"  "}`,
    ]);
  });

  it('unquotes identifiers in attribute selectors only, and never inside a string', () => {
    expect(minifyCss(["[part='method-checked'] { a: b }"])).toEqual(['[part=method-checked]{a:b}']);
    expect(minifyCss(["[title='two words'] { a: b }"])).toEqual(["[title='two words']{a:b}"]);
    expect(minifyCss(['a { content: "[x=\'y\']" }'])).toEqual(['a{content:"[x=\'y\']"}']);
  });

  it('keeps descendant selectors apart and drops leading zeros of fractions only', () => {
    expect(minifyCss([':host :is(a, b) > c  d { margin: 0.5rem 10.5px 0 0.25em }'])).toEqual([
      ':host :is(a,b)>c d{margin:.5rem 10.5px 0 .25em}',
    ]);
    expect(minifyCss(['a { color: rgba(0, 0, 0, 0.5) }'])).toEqual(['a{color:rgba(0,0,0,.5)}']);
  });

  it('drops the spaces calc() lets go (around * and /, never + and -) and the one after @media', () => {
    expect(minifyCss(['a { gap: calc(var(--g) / 2); width: calc(100% - var(--g) * 2) }'])).toEqual([
      'a{gap:calc(var(--g)/2);width:calc(100% - var(--g)*2)}',
    ]);
    expect(minifyCss(['@media (max-width: 30em) { a { b: c } }'])).toEqual([
      '@media(max-width:30em){a{b:c}}',
    ]);
  });

  it('keeps every expression in its place, a string split by one included', () => {
    expect(minifyCss([':host {\n  width: ', 'px;\n  content: "a ', '  b";\n}'])).toEqual([
      ':host{width:',
      'px;content:"a ',
      '  b"}',
    ]);
  });
});

describe('minifyMarkup', () => {
  it('drops indentation between tags and makes a line break inside text one space', () => {
    expect(minifyMarkup(['<div>\n  <p>\n    Hello\n    world\n  </p>\n</div>'])).toEqual([
      '<div><p>Hello world</p></div>',
    ]);
  });

  it('keeps white space written on one line, which renders', () => {
    expect(minifyMarkup(['<p><b>bold</b> text <i>it</i></p>'])).toEqual([
      '<p><b>bold</b> text <i>it</i></p>',
    ]);
  });

  it('keeps attribute values exactly, `>` and line breaks included, and tidies the tag around them', () => {
    expect(minifyMarkup(['<a\n  title="x >\n  y"\n  data-x=\'a  >\'\n>z</a>'])).toEqual([
      '<a title="x >\n  y" data-x=\'a  >\'>z</a>',
    ]);
  });

  it('keeps a value that an expression splits, and the space before `/>`', () => {
    expect(minifyMarkup(['<p\n  class="a ', '  >  b"\n  .value=', ' />\n'])).toEqual([
      '<p class="a ',
      '  >  b" .value=',
      ' />',
    ]);
  });

  it('copies <pre>, <textarea> and comments as they are', () => {
    expect(minifyMarkup(['<div>\n  <pre>\n  a\n    b\n</pre>\n  <!-- x\n   y -->\n</div>'])).toEqual([
      '<div><pre>\n  a\n    b\n</pre><!-- x\n   y --></div>',
    ]);
    expect(minifyMarkup(['<textarea>\n  keep\n</textarea>'])).toEqual(['<textarea>\n  keep\n</textarea>']);
  });

  it('keeps a no-break space and a `<` that starts no tag', () => {
    expect(minifyMarkup(['<p>\u00a0a <\n  b</p>'])).toEqual(['<p>\u00a0a < b</p>']);
  });

  it('keeps the space between two expressions on separate lines, as the browser renders it', () => {
    expect(minifyMarkup(['<p>\n  ', '\n  ', '\n</p>'])).toEqual(['<p>', ' ', '</p>']);
  });
});

/** `code` with the static text of every template literal cut out (parsing it, so it must still parse). */
function skeleton(code: string): string {
  const quasis: { start: number; end: number }[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const n = node as { type?: string; start: number; end: number };
    if (n.type === 'TemplateElement') quasis.push(n);
    for (const value of Object.values(n)) if (value && typeof value === 'object') walk(value);
  };
  walk(parseAst(code));
  let out = code;
  for (const q of quasis.sort((a, b) => b.start - a.start)) out = out.slice(0, q.start) + out.slice(q.end);
  return out;
}

describe("the element's sources", () => {
  const dir = new URL('../src/', import.meta.url);
  const files = readdirSync(dir).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'));

  it('still parse once minified, with only the static text of templates changed', async () => {
    let shrunk = 0;
    for (const name of files) {
      // As the plugin sees them: TypeScript already turned into JavaScript.
      const { code } = await transformWithOxc(readFileSync(new URL(name, dir), 'utf8'), name);
      const out = min(code);
      if (out === null) continue;
      if (out.length < code.length) shrunk += 1;
      // Only the templates' static text changed: every other character of the code is where it was.
      expect(skeleton(out), name).toBe(skeleton(code));
    }
    // pay-button.ts, its styles and icons at least: a minifier that found no template would shrink none.
    expect(shrunk).toBeGreaterThanOrEqual(2);
  });
});
