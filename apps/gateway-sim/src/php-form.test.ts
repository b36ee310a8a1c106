/**
 * @module php-form.test
 */
import { describe, expect, it } from 'vitest';
import { parsePhpForm, phpUrlDecode } from './php-form.ts';

describe('phpUrlDecode', () => {
  it('decodes + and %XX, keeps malformed escapes', () => {
    expect(phpUrlDecode('a+b%26c%zz%')).toBe('a b&c%zz%');
  });
  it('decodes UTF-8 bytes', () => {
    expect(phpUrlDecode('%E6%94%AF%E4%BB%98')).toBe('支付');
  });
});

describe('parsePhpForm', () => {
  it('last value wins, dots become underscores, arrays are ignored', () => {
    expect({ ...parsePhpForm('pay_amount=12.30&a.b=1&x[]=2&pay_amount=1.00&flag') }).toEqual({
      pay_amount: '1.00',
      a_b: '1',
      flag: '',
    });
  });
});
