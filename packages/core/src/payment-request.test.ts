import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import vectors from '../test/helpers/vectors.ts';
import { createPaymentRequest, encodeAttach, type PaymentInput } from './payment-request.ts';
import { PAYMENT_SIGNED_FIELDS, sign } from './signature.ts';

const credentials = { memberId: '10002', key: vectors.key };
const base: PaymentInput = {
  paymentUrl: 'https://pay.example.com/Pay_Index.html',
  orderId: 'E20161226181818123456',
  amount: 10000,
  bankCode: '903',
  notifyUrl: 'http://www.example.com/server.php',
  callbackUrl: 'http://www.example.com/支付/page.php',
  productName: 'VIP基础服务',
  attach: '1234|456',
  applyDate: new Date('2016-12-26T10:18:18Z'),
};

function refusal(input: Partial<PaymentInput>, creds = credentials) {
  try {
    createPaymentRequest({ ...base, ...input }, creds);
  } catch (error) {
    const { code, field, message } = error as { code: string; field: string; message: string };
    return { code, field, message };
  }
  return { code: 'no error', field: '', message: '' };
}

describe('createPaymentRequest', () => {
  const originalTz = process.env.TZ;
  afterEach(() => {
    process.env.TZ = originalTz;
  });

  it('reproduces vector V1 exactly', () => {
    const request = createPaymentRequest(base, credentials);
    expect(request.action).toBe(base.paymentUrl);
    expect(request.method).toBe('POST');
    expect(request.fields.pay_md5sign).toBe(vectors.vectors[0]!.sign);
    expect(request.fields.pay_amount).toBe('100.00');
    expect(request.fields.pay_productname).toBe('VIP基础服务');
    expect(request.fields.pay_attach).toBe('1234%7C456');
  });

  it('signs in the legacy dialect (name=>value joins) by option only', () => {
    const request = createPaymentRequest(base, credentials, { dialect: 'legacy' });
    expect(request.fields.pay_md5sign).toBe(
      sign(request.fields, vectors.key, { signedFields: PAYMENT_SIGNED_FIELDS, dialect: 'legacy' }),
    );
    expect(request.fields.pay_md5sign).not.toBe(vectors.vectors[0]!.sign);
  });

  it('reproduces vector V2: an absent callback URL is not signed nor sent', () => {
    const request = createPaymentRequest(
      {
        ...base,
        orderId: 'E20240301120000654321',
        amount: '0.01',
        bankCode: '902',
        notifyUrl: 'https://merchant.example.com/notify',
        callbackUrl: '',
        applyDate: new Date('2024-03-01T04:00:00Z'),
      },
      credentials,
    );
    expect(request.fields.pay_md5sign).toBe(vectors.vectors[1]!.sign);
    expect('pay_callbackurl' in request.fields).toBe(false);
  });

  it('writes the apply date in China time whatever the host time zone', () => {
    process.env.TZ = 'America/Los_Angeles';
    const request = createPaymentRequest(
      { ...base, applyDate: new Date('2024-01-01T20:30:00Z') },
      credentials,
    );
    expect(request.fields.pay_applydate).toBe('2024-01-02 04:30:00');
  });

  it('takes integer fen or a yuan string, and never a float', () => {
    expect(createPaymentRequest({ ...base, amount: 1234 }, credentials).fields.pay_amount).toBe('12.34');
    expect(createPaymentRequest({ ...base, amount: '12.3' }, credentials).fields.pay_amount).toBe('12.30');
    expect(refusal({ amount: 12.34 })).toMatchObject({ code: 'INVALID_AMOUNT', field: 'amount' });
  });

  it('signs the intval form of the member id, as the server does', () => {
    const request = createPaymentRequest(base, { ...credentials, memberId: '010002' });
    expect(request.fields.pay_memberid).toBe('10002');
    expect(request.fields.pay_md5sign).toBe(vectors.vectors[0]!.sign);
  });

  it('signs exactly the 7 documented fields', () => {
    const request = createPaymentRequest({ ...base, productDesc: 'changed', productNum: '2' }, credentials);
    expect(request.fields.pay_md5sign).toBe(
      sign(request.fields, vectors.key, { signedFields: PAYMENT_SIGNED_FIELDS }),
    );
    expect(request.fields.pay_md5sign).toBe(vectors.vectors[0]!.sign);
  });

  it('URL-encodes attach, Chinese included', () => {
    const request = createPaymentRequest({ ...base, attach: '会员 A&B' }, credentials);
    expect(request.fields.pay_attach).toBe(encodeURIComponent('会员 A&B'));
  });

  it('percent-encodes every attach character but letters, digits and - . _, so the gateway has nothing to escape', () => {
    // The gateway runs pay_attach through htmlspecialchars (ENT_QUOTES) and builds the notification body without
    // encoding it: a raw ' comes back as &#039; and a raw & splits the body.
    const attach = `'&<>"!*()~% +=#?/会员\u{1F600}a-._Z9`;
    const encoded = createPaymentRequest({ ...base, attach }, credentials).fields.pay_attach!;
    expect(encoded).toBe(
      '%27%26%3C%3E%22%21%2A%28%29%7E%25%20%2B%3D%23%3F%2F%E4%BC%9A%E5%91%98%F0%9F%98%80a-._Z9',
    );
    expect(encoded).toMatch(/^[A-Za-z0-9._%-]+$/);
    expect(decodeURIComponent(encoded)).toBe(attach);
  });

  it('encodeAttach: any text without NUL comes back from decodeURIComponent, with nothing but [A-Za-z0-9._%-]', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 200 }).filter((text) => !text.includes('\u0000')),
        (text) => {
          const encoded = encodeAttach(text);
          expect(encoded).toMatch(/^[A-Za-z0-9._%-]*$/);
          expect(decodeURIComponent(encoded)).toBe(text);
        },
      ),
    );
  });

  it.each([
    [{ attach: 'x\ud800' }, 'attach'],
    [{ attach: '\udc00' }, 'attach'],
    [{ attach: 'a\u0000' }, 'attach'],
    [{ productName: 'VIP\ud83d' }, 'productName'],
    [{ productName: 'V\u0000IP' }, 'productName'],
    [{ productDesc: 'a\udfff' }, 'productDesc'],
    [{ productNum: '1\u0000' }, 'productNum'],
  ] as [Partial<PaymentInput>, string][])(
    'refuses %o (a lone surrogate, or a NUL the gateway strips) naming %s',
    (input, field) => {
      const result = refusal(input);
      expect(result).toMatchObject({ code: 'INVALID_CHARACTER', field });
      expect(result.message).toContain(field);
    },
  );

  it.each([
    [{ amount: '0' }, 'INVALID_AMOUNT', 'amount'],
    [{ amount: 0 }, 'INVALID_AMOUNT', 'amount'],
    [{ amount: -100 }, 'INVALID_AMOUNT', 'amount'],
    [{ amount: '1.234' }, 'INVALID_AMOUNT', 'amount'],
    [{ amount: 'ten' }, 'INVALID_AMOUNT', 'amount'],
    [{ amount: 1_000_000_001 }, 'AMOUNT_TOO_LARGE', 'amount'],
    [{ amount: 5000, maxAmountFen: 4999 }, 'AMOUNT_TOO_LARGE', 'amount'],
    [{ bankCode: 'ALIPAY' }, 'INVALID_BANK_CODE', 'bankCode'],
    [{ bankCode: '904', allowedBankCodes: ['902', '903'] }, 'BANK_CODE_NOT_ALLOWED', 'bankCode'],
    [{ orderId: 'E-1' }, 'INVALID_ORDER_ID', 'orderId'],
    [{ orderId: '' }, 'INVALID_ORDER_ID', 'orderId'],
    [{ orderId: 'A'.repeat(33) }, 'INVALID_ORDER_ID', 'orderId'],
    [{ notifyUrl: 'ftp://x.example.com/n' }, 'INVALID_URL', 'notifyUrl'],
    [{ notifyUrl: 'not a url' }, 'INVALID_URL', 'notifyUrl'],
    [{ notifyUrl: '' }, 'MISSING_FIELD', 'notifyUrl'],
    [{ notifyUrl: 'https://x.example.com/n?a=1' }, 'URL_HAS_QUERY', 'notifyUrl'],
    [{ callbackUrl: 'https://x.example.com/r?order=1&x=2' }, 'URL_HAS_QUERY', 'callbackUrl'],
    [{ callbackUrl: 'javascript:alert(1)' }, 'INVALID_URL', 'callbackUrl'],
    [{ notifyUrl: "https://x.example.com/it's" }, 'UNSAFE_CHARACTER', 'pay_notifyurl'],
    [{ callbackUrl: 'https://x.example.com/<b>' }, 'UNSAFE_CHARACTER', 'pay_callbackurl'],
    [{ productName: '' }, 'MISSING_FIELD', 'productName'],
    [{ paymentUrl: 'gateway' }, 'INVALID_URL', 'paymentUrl'],
  ] as [Partial<PaymentInput>, string, string][])('refuses %o with %s naming %s', (input, code, field) => {
    const result = refusal(input);
    expect(result).toMatchObject({ code, field });
    expect(result.message).toContain(field);
  });

  it('refuses bad credentials without echoing the key', () => {
    expect(refusal({}, { memberId: 'abc', key: vectors.key })).toMatchObject({ code: 'INVALID_MEMBER_ID' });
    expect(refusal({}, { memberId: '10002', key: '' })).toMatchObject({ code: 'INVALID_KEY' });
    const result = refusal({ amount: 'x' });
    expect(result.message).not.toContain(vectors.key);
  });

  it('allows a query string in the unsigned product URL only', () => {
    const request = createPaymentRequest(
      { ...base, productUrl: 'https://shop.example.com/p?id=1&x=2' },
      credentials,
    );
    expect(request.fields.pay_producturl).toBe('https://shop.example.com/p?id=1&x=2');
  });
});
