/**
 * @module text
 * Characters that cannot travel through the protocol intact: NUL (the gateway's `strip_tags` drops it, and a
 * PostgreSQL text column refuses it) and lone UTF-16 surrogates (they have no UTF-8 form, so they cannot be
 * percent-encoded, hashed as the gateway hashes, or stored as JSON).
 */

// A high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE, 'g');
// eslint-disable-next-line no-control-regex -- C0 and C1 control characters are what is replaced
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * What is wrong with `value`, or null when it holds neither NUL nor a lone surrogate.
 *
 * @example
 * invalidCharacter('a\u0000b'); // 'NUL'
 * invalidCharacter('\ud800');   // 'a lone UTF-16 surrogate'
 * invalidCharacter('支付');     // null
 */
export function invalidCharacter(value: string): string | null {
  if (value.includes('\u0000')) return 'NUL';
  if (LONE_SURROGATE.test(value)) return 'a lone UTF-16 surrogate';
  return null;
}

/**
 * `value` with lone surrogates and C0/C1 control characters replaced by `?`, cut to `max` code points: safe to
 * show in a message, a log line or a text column.
 *
 * @example
 * printable('\u0001name\ud800', 40); // '?name?'
 */
export function printable(value: string, max: number): string {
  const cleaned = value.replace(CONTROL, '?').replace(LONE_SURROGATES, '?');
  const points = Array.from(cleaned);
  return points.length > max ? points.slice(0, max).join('') : cleaned;
}
