/**
 * @module php-form
 * Reads form bodies and query strings the way PHP fills `$_POST` / `$_GET`: lenient (a bad `%` sequence stays as
 * text, invalid UTF-8 is kept as replacement characters), the last of repeated names wins, `.` and spaces in names
 * become `_`, and `name[...]` array fields are ignored because the gateway's scalar reads never see them as strings.
 * The real server reads `I('request.x')`, i.e. `$_REQUEST`: the query string, overridden by the body.
 */

const decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * PHP `urldecode`: `+` is a space, `%XX` is a byte, anything malformed is kept literally.
 *
 * @example
 * phpUrlDecode('a+b%26c%zz'); // 'a b&c%zz'
 */
export function phpUrlDecode(text: string): string {
  if (!/[%+]/.test(text)) return text;
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '+') {
      bytes.push(0x20);
    } else if (c === '%' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      const code = text.codePointAt(i)!;
      const char = String.fromCodePoint(code);
      if (char.length === 2) i++;
      bytes.push(...encoder.encode(char));
    }
  }
  return decoder.decode(new Uint8Array(bytes));
}

/**
 * Parses `application/x-www-form-urlencoded` text into scalar fields, PHP style.
 *
 * @example
 * parsePhpForm('pay_amount=12.30&a.b=1&x[]=2&pay_amount=1.00'); // { pay_amount: '1.00', a_b: '1' }
 */
export function parsePhpForm(text: string): Record<string, string> {
  const fields: Record<string, string> = Object.create(null);
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawName = eq === -1 ? pair : pair.slice(0, eq);
    const value = eq === -1 ? '' : phpUrlDecode(pair.slice(eq + 1));
    const name = phpUrlDecode(rawName).replace(/^ +/, '');
    if (name === '' || name.includes('[')) continue;
    fields[name.replace(/[. ]/g, '_')] = value;
  }
  return fields;
}
