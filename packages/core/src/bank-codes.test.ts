import { describe, expect, it } from 'vitest';
import { BANK_CODES, bankCodeInfo } from './bank-codes.ts';

describe('bank codes', () => {
  it('has the document codes 901-910 without 906', () => {
    expect(BANK_CODES.map((b) => b.code)).toEqual([
      '901',
      '902',
      '903',
      '904',
      '905',
      '907',
      '908',
      '909',
      '910',
    ]);
    expect(bankCodeInfo('903')).toEqual({ code: '903', zh: '支付宝扫码支付', en: 'Alipay QR code' });
    expect(bankCodeInfo('906')).toBeUndefined();
  });

  it('lets the operator add and override codes', () => {
    const extra = [
      { code: '911', zh: '云闪付', en: 'UnionPay QuickPass' },
      { code: '903', zh: '支付宝', en: 'Alipay' },
    ];
    expect(bankCodeInfo('911', extra)?.en).toBe('UnionPay QuickPass');
    expect(bankCodeInfo('903', extra)?.zh).toBe('支付宝');
  });

  it('is frozen so a caller cannot change the defaults for everyone', () => {
    expect(Object.isFrozen(BANK_CODES)).toBe(true);
  });
});
