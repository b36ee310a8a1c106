/**
 * @module notification-fields
 * Reads the fields of a received notification. Strict mode is `toFields`: every field present once and cleanly
 * percent-encoded. In tolerant mode only the signed fields (and `sign`) are held to those rules; the others
 * (`attach`, and whatever a fork or the body's missing encoding adds) cannot refuse the notification: a repeated,
 * badly encoded or non-string unsigned field, or one holding NUL or a lone surrogate, is left out and reported as
 * an anomaly. The deployed gateway HTML-escapes `attach` and builds the body without encoding it
 * (docs/protocol.md#notification), so an attach of `''` arrives as `attach=&#039;&#039;`: three fields, two of them
 * the same stray `#039;`.
 */
import { ValidationError } from './errors.ts';
import { toFields } from './form.ts';
import type { Fields } from './signature.ts';
import { invalidCharacter, printable } from './text.ts';

/** A problem with a field outside the signature, found while reading a notification in tolerant mode. */
export interface FieldAnomaly {
  /** The field's name as received (control characters replaced by `?`, at most 40 characters). */
  field: string;
  code: 'DUPLICATE_FIELD' | 'MALFORMED_ENCODING' | 'INVALID_FIELD' | 'INVALID_CHARACTER';
  message: string;
}

/** What {@link readNotificationFields} found. */
export interface NotificationFields {
  fields: Fields;
  /** Always empty in strict mode (a problem is thrown instead). */
  anomalies: FieldAnomaly[];
}

/** Stands for a value whose percent-encoding is malformed. */
const MALFORMED = Symbol('malformed');

/** A decoded form component, or {@link MALFORMED}. */
function decode(text: string): string | typeof MALFORMED {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return MALFORMED;
  }
}

const PROBLEM: Record<FieldAnomaly['code'], string> = {
  DUPLICATE_FIELD: 'appears more than once',
  MALFORMED_ENCODING: 'has malformed percent-encoding',
  INVALID_FIELD: 'is not a string',
  INVALID_CHARACTER: 'holds NUL or a lone surrogate',
};

/**
 * The fields of a notification as received (a body string, `URLSearchParams` or an object). Strict: exactly
 * `toFields`, throwing on any problem. Tolerant: the names in `strictNames` keep those rules; every other name
 * that is repeated, badly encoded or not a string is dropped and reported.
 *
 * @example
 * readNotificationFields('orderid=E1&attach=%E4', new Set(['orderid']), true);
 * // { fields: { orderid: 'E1' }, anomalies: [{ field: 'attach', code: 'MALFORMED_ENCODING', ... }] }
 */
export function readNotificationFields(
  received: string | URLSearchParams | Record<string, unknown>,
  strictNames: ReadonlySet<string>,
  tolerant: boolean,
): NotificationFields {
  if (!tolerant) return { fields: toFields(received), anomalies: [] };
  const fields: Fields = Object.create(null) as Fields;
  const anomalies: FieldAnomaly[] = [];
  const dropped = new Set<string>();

  const drop = (name: string, code: FieldAnomaly['code']) => {
    delete fields[name];
    if (dropped.has(name)) return;
    dropped.add(name);
    const field = printable(name, 40);
    anomalies.push({ field, code, message: `unsigned field ${field} ${PROBLEM[code]}` });
  };
  const add = (name: string, value: unknown, strict: boolean) => {
    const repeated = Object.hasOwn(fields, name) || dropped.has(name) || Array.isArray(value);
    if (strict) {
      // The rules and messages of parseForm and toFields.
      if (repeated)
        throw new ValidationError('DUPLICATE_FIELD', `field ${name} appears more than once`, name);
      if (value === MALFORMED)
        throw new ValidationError('MALFORMED_ENCODING', `${name} has malformed percent-encoding`, name);
      if (typeof value !== 'string')
        throw new ValidationError('INVALID_FIELD', `field ${name} is not a string`, name);
      fields[name] = value;
    } else if (repeated) drop(name, 'DUPLICATE_FIELD');
    else if (value === MALFORMED) drop(name, 'MALFORMED_ENCODING');
    else if (typeof value !== 'string') drop(name, 'INVALID_FIELD');
    else if (invalidCharacter(value) !== null) drop(name, 'INVALID_CHARACTER');
    else fields[name] = value;
  };

  if (typeof received === 'string') {
    for (const pair of received.split('&')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      const rawName = eq === -1 ? pair : pair.slice(0, eq);
      const name = decode(rawName);
      // A name that does not decode is no signed field's (those are ASCII words): a stray piece of a value.
      if (name === MALFORMED) drop(rawName, 'MALFORMED_ENCODING');
      else add(name, decode(eq === -1 ? '' : pair.slice(eq + 1)), strictNames.has(name));
    }
  } else {
    const entries =
      received instanceof URLSearchParams
        ? [...received.entries()]
        : Object.entries(received as Record<string, unknown>);
    for (const [name, value] of entries) add(name, value, strictNames.has(name));
  }
  return { fields, anomalies };
}
