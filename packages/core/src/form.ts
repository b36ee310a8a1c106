/**
 * @module form
 * `application/x-www-form-urlencoded` both ways. Parsing is strict: a repeated name or a broken `%` escape is an
 * error rather than a silent "last one wins", because a notification with two `amount`s is an attack, not a typo.
 */
import { ValidationError } from './errors.ts';
import type { Fields } from './signature.ts';

/**
 * Encodes fields as a form body.
 *
 * @example
 * encodeForm({ a: '1 2', b: '支付' }); // 'a=1+2&b=%E6%94%AF%E4%BB%98'
 */
export function encodeForm(fields: Fields): string {
  return new URLSearchParams(Object.entries(fields)).toString();
}

function decodeComponent(text: string, what: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    throw new ValidationError('MALFORMED_ENCODING', `${what} has malformed percent-encoding`, what);
  }
}

/**
 * Parses a form body into fields, refusing duplicate names and malformed percent-encoding. The result has no
 * prototype, so a field called `__proto__` is just a field.
 *
 * @example
 * parseForm('a=1&b=%E6%94%AF'); // { a: '1', b: '支' }
 * parseForm('a=1&a=2');         // throws ValidationError DUPLICATE_FIELD
 */
export function parseForm(body: string): Fields {
  const fields: Fields = Object.create(null) as Fields;
  for (const pair of body.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawName = eq === -1 ? pair : pair.slice(0, eq);
    const rawValue = eq === -1 ? '' : pair.slice(eq + 1);
    const name = decodeComponent(rawName, 'a field name');
    const value = decodeComponent(rawValue, name);
    if (Object.hasOwn(fields, name)) {
      throw new ValidationError('DUPLICATE_FIELD', `field ${name} appears more than once`, name);
    }
    fields[name] = value;
  }
  return fields;
}

/**
 * Turns what a caller received (a body string, `URLSearchParams` or a plain object) into fields, with the same
 * strictness for each shape.
 *
 * @example
 * toFields(new URLSearchParams('a=1')); // { a: '1' }
 */
export function toFields(received: string | URLSearchParams | Record<string, unknown>): Fields {
  if (typeof received === 'string') return parseForm(received);
  const fields: Fields = Object.create(null) as Fields;
  const entries =
    received instanceof URLSearchParams
      ? [...received.entries()]
      : Object.entries(received as Record<string, unknown>);
  for (const [name, value] of entries) {
    if (Object.hasOwn(fields, name)) {
      throw new ValidationError('DUPLICATE_FIELD', `field ${name} appears more than once`, name);
    }
    // Frameworks turn a repeated form field into an array: that is a duplicate too.
    if (Array.isArray(value)) {
      throw new ValidationError('DUPLICATE_FIELD', `field ${name} appears more than once`, name);
    }
    if (typeof value !== 'string') {
      throw new ValidationError('INVALID_FIELD', `field ${name} is not a string`, name);
    }
    fields[name] = value;
  }
  return fields;
}
