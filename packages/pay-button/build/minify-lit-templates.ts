/**
 * @module build/minify-lit-templates
 * The bundle's template minifier: Vite's minifier keeps template literals as written, and Lit templates are mostly
 * indentation. This shrinks the static text of the `html`, `svg` and `css` tagged templates (and of
 * `unsafeCSS(`...`)`, a stylesheet without the tag) in the element's sources. Templates are found through the
 * parser, never a regex over code, so strings, regular expressions, comments and other templates stay as they are;
 * inside a template, CSS strings and comments-in-strings, attribute values, `<pre>` and `<textarea>` are copied
 * unchanged.
 */
import type { Plugin } from 'vite';

/** An ESTree node, as Vite's parser gives it. */
type Node = { type: string; start: number; end: number; [key: string]: unknown };
type Quasi = Node & { value: { raw: string } };

// Stands for each `${...}` while a template's static parts are minified as one text, so that a string, a tag or an
// attribute value that an expression splits is still seen whole. It cannot occur in a source file's template text.
const HOLE = '\u0001';
// Stands for each quoted CSS string while the rest of a stylesheet is squeezed (a private-use character: a
// stylesheet that holds one outside a string is left as it is).
const STRING = '\uE000';

/** Minifies every part of one template at once; `minify` sees the parts joined by HOLE and must keep each HOLE. */
function minifyParts(parts: readonly string[], minify: (text: string) => string): string[] {
  if (parts.some((part) => part.includes(HOLE))) return [...parts];
  const out = minify(parts.join(HOLE)).split(HOLE);
  if (out.length !== parts.length) throw new Error('minify-lit-templates: an expression was lost');
  return out;
}

/**
 * The static parts of a css`` template (or an unsafeCSS stylesheet): comments and layout white space go, quoted
 * strings stay exactly as written (a `/* ... *\/` or a double space inside `content: '...'` is content).
 *
 * @example
 * minifyCss([':host {\n  color: red;\n}\n']); // [':host{color:red}']
 */
export function minifyCss(parts: readonly string[]): string[] {
  return minifyParts(parts, (text) => {
    if (text.includes(STRING)) return text;
    const strings: string[] = [];
    let plain = '';
    for (let i = 0; i < text.length;) {
      const c = text[i]!;
      if (c === '/' && text[i + 1] === '*') {
        const end = text.indexOf('*/', i + 2);
        i = end < 0 ? text.length : end + 2;
        plain += ' ';
      } else if (c === '"' || c === "'") {
        let j = i + 1;
        while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
        strings.push(text.slice(i, j + 1));
        // A string is one opaque token while the rest is squeezed.
        plain += `${STRING}${strings.length - 1}${STRING}`;
        i = j + 1;
      } else {
        plain += c;
        i += 1;
      }
    }
    return (
      plain
        .replace(/[ \t\n\r\f]+/g, ' ')
        .replace(/ ?([{};,>]) ?/g, '$1')
        // A space before `:` stays (`a :hover` is a descendant selector); one after it is layout.
        .replace(/: /g, ':')
        // calc(var(--_gap) / 2) -> calc(var(--_gap)/2): only + and - need the spaces around them in calc().
        .replace(/\) ([*/]) /g, ')$1')
        .replace(/@media \(/g, '@media(')
        .replace(/;}/g, '}')
        // 0.5rem -> .5rem: the same value, one byte less.
        .replace(/([ :(,])0\.(\d)/g, '$1.$2')
        .trim()
        // [part='x'] -> [part=x]: an identifier needs no quotes in an attribute selector.
        .replace(new RegExp(`=${STRING}(\\d+)${STRING}\\]`, 'g'), (whole, n: string) => {
          const quoted = /^(['"])([A-Za-z_][\w-]*)\1$/.exec(strings[Number(n)]!);
          return quoted ? `=${quoted[2]}]` : whole;
        })
        .replace(new RegExp(`${STRING}(\\d+)${STRING}`, 'g'), (_, n: string) => strings[Number(n)]!)
    );
  });
}

const RAW_TEXT = new Set(['pre', 'textarea', 'script', 'style']);
// HTML's white space: not \s, which also matches the no-break space, a character of the text.
const SPACE = /[ \t\n\r\f]/;

/**
 * The static parts of an html``/svg`` template. Only white space that holds a line break changes: between tags, or
 * between a tag and the start or end of the template, it goes (indentation, which renders as nothing in this
 * element: its texts sit in flex or grid containers); inside text it becomes one space, as the browser would render
 * it; inside a tag it becomes one space, or nothing before `>`. Attribute values, comments and the content of
 * `<pre>`, `<textarea>`, `<script>` and `<style>` are copied as they are.
 *
 * @example
 * minifyMarkup(['<p>\n  <b>', '</b>\n</p>']); // ['<p><b>', '</b></p>']
 */
export function minifyMarkup(parts: readonly string[]): string[] {
  return minifyParts(parts, (text) => {
    let out = '';
    let i = 0;
    // Whether the last thing copied was a tag (or a comment), rather than text.
    let afterTag = false;
    /** Copies text up to and including `end` (or to the end of the template). */
    const copyThrough = (end: string) => {
      const at = text.indexOf(end, i);
      const stop = at < 0 ? text.length : at + end.length;
      out += text.slice(i, stop);
      i = stop;
    };
    while (i < text.length) {
      const c = text[i]!;
      if (SPACE.test(c)) {
        let j = i;
        while (j < text.length && SPACE.test(text[j]!)) j += 1;
        const run = text.slice(i, j);
        const atEdge =
          out === '' || afterTag || j === text.length || /^<[A-Za-z/!]/.test(text.slice(j, j + 2));
        out += !run.includes('\n') ? run : atEdge ? '' : ' ';
        i = j;
      } else if (text.startsWith('<!--', i)) {
        copyThrough('-->');
        afterTag = true;
      } else if (c === '<' && /^<[A-Za-z/]/.test(text.slice(i, i + 2))) {
        const name = /^<([A-Za-z][\w-]*)/.exec(text.slice(i))?.[1]?.toLowerCase();
        i = tag(i);
        afterTag = true;
        if (name && RAW_TEXT.has(name)) copyRawText(name);
      } else {
        out += c;
        i += 1;
        afterTag = false;
      }
    }
    return out;

    /** Copies one tag from `<` to `>`, quoted values unchanged; returns the index after it. */
    function tag(start: number): number {
      let j = start;
      while (j < text.length) {
        const c = text[j]!;
        if (c === '"' || c === "'") {
          const close = text.indexOf(c, j + 1);
          const stop = close < 0 ? text.length : close + 1;
          out += text.slice(j, stop);
          j = stop;
        } else if (SPACE.test(c)) {
          let k = j;
          while (k < text.length && SPACE.test(text[k]!)) k += 1;
          // Before `>` the space is layout; before `/>` it is kept, since an unquoted binding would swallow the `/`.
          if (text[k] !== '>') out += ' ';
          j = k;
        } else {
          out += c;
          j += 1;
          if (c === '>') return j;
        }
      }
      return j;
    }

    function copyRawText(name: string): void {
      const close = new RegExp(`</${name}[\\s>]`, 'i').exec(text.slice(i));
      const stop = close ? i + close.index : text.length;
      out += text.slice(i, stop);
      i = stop;
    }
  });
}

/**
 * Minifies the Lit templates of one module's code; `parse` is the bundler's JavaScript parser. Returns null when the
 * module has none.
 *
 * @example
 * minifyTemplatesIn('html`<p>\n  x\n</p>`', parseAst); // 'html`<p>x</p>`'
 */
export function minifyTemplatesIn(code: string, parse: (code: string) => unknown): string | null {
  if (!/\b(html|svg|css)`|unsafeCSS\(/.test(code)) return null;
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
      const quasis = ((sheet ?? n.quasi) as { quasis: Quasi[] }).quasis;
      const raws = quasis.map((q) => {
        const raw = code.slice(q.start, q.end);
        if (raw !== q.value.raw) throw new Error('minify-lit-templates: unexpected template span');
        return raw;
      });
      const minified = tag === 'css' || sheet ? minifyCss(raws) : minifyMarkup(raws);
      quasis.forEach((q, k) => edits.push([q.start, q.end, minified[k]!]));
    }
    // Expressions inside a template may hold templates of their own.
    for (const value of Object.values(n)) if (value && typeof value === 'object') walk(value);
  };
  walk(parse(code));
  if (edits.length === 0) return null;
  let out = code;
  for (const [start, end, text] of edits.sort((a, b) => b[0] - a[0])) {
    out = out.slice(0, start) + text + out.slice(end);
  }
  return out;
}

/**
 * The Vite plugin: {@link minifyTemplatesIn} on the element's own TypeScript files at build time.
 *
 * @example
 * export default defineConfig({ plugins: [minifyLitTemplates()] });
 */
export function minifyLitTemplates(): Plugin {
  return {
    name: 'minify-lit-templates',
    apply: 'build',
    transform(code, id) {
      if (!/\/src\/[\w.-]+\.ts$/.test(id)) return null;
      const out = minifyTemplatesIn(code, (text) => this.parse(text));
      return out === null ? null : { code: out, map: null };
    },
  };
}
