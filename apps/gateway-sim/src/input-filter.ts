/**
 * @module input-filter
 * The deployed gateway's input filter (docs/protocol.md#input-filter): every request value goes
 * through PHP `strip_tags` and then `htmlspecialchars` (ThinkPHP's default `I()` filter) BEFORE the signature is
 * checked, and the escaped value is what gets stored and echoed back. `pay_memberid` goes through `intval` instead.
 * Reproducing this is what makes a notify URL with `&` fail here exactly as it fails in production.
 */

const PHP_SPACE = new Set([' ', '\t', '\n', '\r', '\v', '\f']);

/**
 * PHP `htmlspecialchars` with PHP 8.1+ default flags (`ENT_QUOTES | ENT_SUBSTITUTE | ENT_HTML401`, double encoding
 * on): `& " ' < >` become entities, `'` as `&#039;`.
 *
 * @example
 * htmlspecialchars(`a&b<"c'>`); // 'a&amp;b&lt;&quot;c&#039;&gt;'
 */
export function htmlspecialchars(value: string): string {
  let out = '';
  for (const ch of value) {
    switch (ch) {
      case '&':
        out += '&amp;';
        break;
      case '"':
        out += '&quot;';
        break;
      case "'":
        out += '&#039;';
        break;
      case '<':
        out += '&lt;';
        break;
      case '>':
        out += '&gt;';
        break;
      default:
        out += ch;
    }
  }
  return out;
}

/**
 * A port of PHP's `php_strip_tags_ex` state machine (no allowed tags): drops HTML tags (quotes inside a tag are
 * honoured), `<?php ... ?>` blocks, `<!...>` declarations and `<!-- -->` comments, and NUL bytes. A `<` followed by
 * white space is kept as text; an unterminated tag swallows the rest of the string, as in PHP.
 *
 * @example
 * stripTags('a<b>bold</b> < c'); // 'abold < c'
 * stripTags('1<2');              // '1'
 */
export function stripTags(value: string): string {
  let state = 0; // 0 text, 1 HTML tag, 2 PHP block, 3 <! declaration, 4 comment
  let depth = 0;
  let inQuote = '';
  let lastChar = ''; // PHP's `lc`, used in the PHP-block state
  let brackets = 0;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    const prev = i > 0 ? value[i - 1]! : '';
    const next = value[i + 1] ?? '';
    if (c === '\0') continue;
    if (state === 0) {
      if (c === '<') {
        if (inQuote) continue;
        if (PHP_SPACE.has(next)) {
          out += c;
          continue;
        }
        lastChar = '<';
        state = 1;
      } else if (c === '>') {
        if (depth) {
          depth--;
          continue;
        }
        if (inQuote) continue;
        out += c;
      } else {
        out += c;
      }
    } else if (state === 1) {
      if (c === '<') {
        if (inQuote || PHP_SPACE.has(next)) continue;
        depth++;
      } else if (c === '>') {
        if (depth) {
          depth--;
          continue;
        }
        if (inQuote) continue;
        lastChar = '>';
        inQuote = '';
        state = 0;
      } else if (c === '"' || c === "'") {
        if (!inQuote) inQuote = c;
        else if (c === inQuote) inQuote = '';
      } else if (c === '!' && prev === '<') {
        state = 3;
        lastChar = c;
      } else if (c === '?' && prev === '<') {
        brackets = 0;
        state = 2;
      }
    } else if (state === 2) {
      if (c === '(' && lastChar !== '"' && lastChar !== "'") {
        lastChar = '(';
        brackets++;
      } else if (c === ')' && lastChar !== '"' && lastChar !== "'") {
        lastChar = ')';
        brackets--;
      } else if (c === '>') {
        if (depth) {
          depth--;
          continue;
        }
        if (inQuote) continue;
        if (!brackets && lastChar !== '"' && prev === '?') {
          inQuote = '';
          state = 0;
        }
      } else if (c === '"' || c === "'") {
        if (prev !== '\\') {
          if (lastChar === c) lastChar = '';
          else if (lastChar !== '\\') lastChar = c;
        }
        if (!inQuote) inQuote = c;
        else if (c === inQuote) inQuote = '';
      } else if ((c === 'l' || c === 'L') && /^<\?xm$/i.test(value.slice(i - 4, i))) {
        // `<?xml` is markup, not PHP: PHP switches back to the tag state.
        state = 1;
      }
    } else if (state === 3) {
      if (c === '>') {
        if (depth) {
          depth--;
          continue;
        }
        if (inQuote) continue;
        inQuote = '';
        state = 0;
      } else if (c === '"' || c === "'") {
        if (!inQuote) inQuote = c;
        else if (c === inQuote) inQuote = '';
      } else if (c === '-' && prev === '-' && value[i - 2] === '!') {
        state = 4;
      } else if ((c === 'e' || c === 'E') && /^doctyp$/i.test(value.slice(i - 6, i))) {
        state = 1;
      }
    } else if (c === '>' && prev === '-' && value[i - 2] === '-') {
      inQuote = '';
      state = 0;
    }
  }
  return out;
}

/**
 * The gateway's default input filter: `htmlspecialchars(strip_tags(value))`.
 *
 * @example
 * filterInput('http://m.example/notify?a=1&b=2'); // 'http://m.example/notify?a=1&amp;b=2'
 */
export function filterInput(value: string): string {
  return htmlspecialchars(stripTags(value));
}

/**
 * PHP `intval` on a string: optional leading white space, an optional sign, then decimal digits; anything else stops
 * the number, and no digits give 0. `"010002"` is `10002` (docs/protocol.md#payment-request: signed as `"10002"`).
 *
 * @example
 * phpIntval('010002'); // 10002
 * phpIntval('10002abc'); // 10002
 * phpIntval('abc'); // 0
 */
export function phpIntval(value: string | undefined): number {
  if (value === undefined) return 0;
  const match = /^[ \t\n\r\v\f]*([+-]?)(\d+)/.exec(value);
  if (!match) return 0;
  const n = Number(match[2]);
  // PHP saturates at PHP_INT_MAX; a safe-integer cap is enough for member ids and bank codes.
  const capped = Math.min(n, Number.MAX_SAFE_INTEGER);
  return match[1] === '-' ? -capped : capped;
}
