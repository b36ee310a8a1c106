import { describe, expect, it } from 'vitest';
import { encodeForm, parseForm, toFields } from './form.ts';
import { errorCode } from '../test/helpers/error-code.ts';

describe('form encoding', () => {
  it('round-trips unicode, spaces and reserved characters', () => {
    const fields = { a: '1 2', b: '支付&x=y', c: '%' };
    expect(parseForm(encodeForm(fields))).toEqual(fields);
  });

  it('refuses duplicate names, in every received shape', () => {
    expect(errorCode(() => parseForm('a=1&a=2'))).toBe('DUPLICATE_FIELD');
    expect(errorCode(() => toFields(new URLSearchParams('a=1&a=2')))).toBe('DUPLICATE_FIELD');
    expect(errorCode(() => toFields({ a: ['1', '2'] }))).toBe('DUPLICATE_FIELD');
  });

  it('refuses malformed percent-encoding', () => {
    expect(errorCode(() => parseForm('a=%zz'))).toBe('MALFORMED_ENCODING');
    expect(errorCode(() => parseForm('a=%E6%94'))).toBe('MALFORMED_ENCODING');
  });

  it('refuses non-string values in objects', () => {
    expect(errorCode(() => toFields({ a: 1 }))).toBe('INVALID_FIELD');
  });

  it('keeps __proto__ as a plain field', () => {
    const fields = parseForm('__proto__=x&a=1');
    expect(fields.__proto__).toBe('x');
    expect(Object.getPrototypeOf(fields)).toBeNull();
    expect(({} as Record<string, unknown>).a).toBeUndefined();
  });

  it('reads a value with no "=" as empty', () => {
    expect(parseForm('a&b=2')).toEqual(Object.assign(Object.create(null), { a: '', b: '2' }));
  });
});
