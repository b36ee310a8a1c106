/**
 * @module config/setting-values
 * Checks of one setting's value shared by the signer's settings and each gateway account's (config/load-config.ts,
 * config/gateway-accounts.ts): a gateway or merchant URL, a key given inline or by file, a whole number. Each
 * reports through `fail(setting, problem)` and describes a bad value rather than echoing it, so a key pasted into
 * the wrong setting is not printed.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** Records one problem with one setting; always returns undefined, so `return fail(...)` ends a parse. */
export type Fail = (setting: string, problem: string) => undefined;

/**
 * Characters a signed URL must not hold: the gateway runs every value through `htmlspecialchars` and `strip_tags`
 * before it verifies (docs/protocol.md#input-filter), so these would be verified in another form and fail.
 */
export const UNSAFE_URL_CHARS = /[&<>"'\s]/;

/**
 * An absolute http(s) URL as written, or undefined (after `fail`) when it is missing but required, or malformed.
 * @example
 * httpUrl('JUPAY_GATEWAY_URL', 'https://gw.example/Pay_Index.html', fail, { required: true });
 */
export function httpUrl(
  setting: string,
  raw: string | undefined,
  fail: Fail,
  rules: { required: boolean; allowQuery?: boolean },
): string | undefined {
  if (raw === undefined) return rules.required ? fail(setting, 'is required') : undefined;
  // The URL parser forgives a lot (`http:/x` becomes `http://x/`, inner spaces are escaped): the value is used as
  // written, so it must already be a plain absolute URL.
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  if (!/^https?:\/\/[^/?#]/i.test(raw) || /[\s\x00-\x1f\x7f]/.test(raw)) {
    return fail(setting, 'must be an absolute http(s) URL');
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail(setting, 'must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail(setting, 'must be an http(s) URL');
  if (url.username !== '' || url.password !== '') return fail(setting, 'must not contain credentials');
  if (url.hash !== '') return fail(setting, 'must not contain a fragment');
  // The gateway escapes `&` in signed URLs (docs/protocol.md#input-filter), so gateway-facing URLs carry no query
  // string.
  if (!rules.allowQuery && url.search !== '') return fail(setting, 'must not contain a query string');
  return raw;
}

/**
 * A merchant key from the setting `names.inline` (the value) or `names.file` (a file holding it, resolved from
 * `cwd`; one trailing newline is dropped): exactly one of them. Only the key's shape is ever described.
 * @example
 * readKey(env, { inline: 'JUPAY_KEY', file: 'JUPAY_KEY_FILE' }, cwd, fail);
 */
export function readKey(
  env: Record<string, string | undefined>,
  names: { inline: string; file: string },
  cwd: string,
  fail: Fail,
): string | undefined {
  const inline = env[names.inline];
  const file = env[names.file]?.trim();
  if (inline !== undefined && inline !== '' && file !== undefined && file !== '') {
    return fail(names.inline, `and ${names.file} are both set: use one`);
  }
  let key: string;
  let setting = names.inline;
  if (file !== undefined && file !== '') {
    setting = names.file;
    try {
      // A file usually ends with a newline; nothing else is trimmed.
      key = readFileSync(resolve(cwd, file), 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      return fail(names.file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  } else if (inline !== undefined && inline !== '') {
    key = inline;
  } else {
    return fail(names.inline, `is required (or ${names.file})`);
  }
  // The value is never echoed: only its shape is described.
  if (key.length < 8 || key.length > 256) return fail(setting, 'must hold a key of 8 to 256 characters');
  if (!/^[\x21-\x7e]+$/.test(key)) {
    return fail(setting, 'must hold a key of printable ASCII without spaces (check for stray whitespace)');
  }
  return key;
}

/**
 * A whole number within `min..max`, or undefined (after `fail`).
 * @example
 * integer('PORT', '4200', 0, 65535, fail); // 4200
 */
export function integer(
  setting: string,
  raw: string,
  min: number,
  max: number,
  fail: Fail,
): number | undefined {
  if (!/^\d+$/.test(raw)) return fail(setting, 'must be a whole number');
  const n = Number(raw);
  if (n < min || n > max) return fail(setting, `must be between ${min} and ${max}`);
  return n;
}

/**
 * A member id (商户号) as the gateway signs it: the gateway runs it through `intval` before signing
 * (docs/protocol.md#payment-request), so `010002` would be signed as `10002`: digits without a leading zero.
 * @example
 * memberIdValue('JUPAY_MEMBER_ID', '10002', fail); // '10002'
 */
export function memberIdValue(setting: string, raw: string | undefined, fail: Fail): string | undefined {
  if (raw === undefined) return fail(setting, 'is required');
  if (!/^[1-9][0-9]{0,15}$/.test(raw)) return fail(setting, 'must be digits without a leading zero');
  return raw;
}
