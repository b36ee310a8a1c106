import { describe, expect, it } from 'vitest';
import vectors from '../test/helpers/vectors.ts';
import { encodeForm } from './form.ts';
import { parseNotification } from './notification.ts';
import { LEGACY_NOTIFICATION_SIGNED_FIELDS, NOTIFICATION_SIGNED_FIELDS, sign } from './signature.ts';
import { errorCode } from '../test/helpers/error-code.ts';

const key = vectors.key;
const credentials = { memberId: '10002', key };
const v3 = vectors.vectors[2]!;

function signed(fields: Record<string, string>, legacy = false): Record<string, string> {
  const signedFields = legacy ? LEGACY_NOTIFICATION_SIGNED_FIELDS : NOTIFICATION_SIGNED_FIELDS;
  return { ...fields, sign: sign(fields, key, { signedFields, dialect: legacy ? 'legacy' : 'standard' }) };
}

const genuine = {
  memberid: '10002',
  orderid: 'E1',
  transaction_id: '20240301120000123456',
  amount: '12.3400',
  datetime: '20240301120005',
  returncode: '00',
};

describe('parseNotification', () => {
  it('accepts vector V3 as received, as a body, URLSearchParams and an object', () => {
    for (const received of [
      v3.body!,
      new URLSearchParams(v3.body!),
      Object.fromEntries(new URLSearchParams(v3.body!)),
    ]) {
      const n = parseNotification(received, credentials);
      expect(n.orderId).toBe('E20161226181818123456');
      expect(n.amount).toBe('100.0000');
      expect(n.amountFen).toBe(10000);
      expect(n.transactionId).toBe('20161226181820975310');
      expect(n.attach).toBe('');
    }
  });

  it('rejects V3 with the amount re-formatted', () => {
    expect(errorCode(() => parseNotification(v3.body!.replace('100.0000', '100.00'), credentials))).toBe(
      'BAD_SIGNATURE',
    );
  });

  it.each(['100', '100.00', '100.0000'])('gives integer fen for the amount %s', (amount) => {
    const n = parseNotification(signed({ ...genuine, amount }), credentials);
    expect(n.amountFen).toBe(10000);
  });

  it('refuses a signed amount that is not whole fen', () => {
    expect(errorCode(() => parseNotification(signed({ ...genuine, amount: '100.001' }), credentials))).toBe(
      'INVALID_AMOUNT',
    );
  });

  it('decodes attach as the merchant sent it, once encoded or twice', () => {
    const attach = encodeURIComponent('会员|7');
    const once = parseNotification({ ...signed(genuine), attach }, credentials);
    expect(once.attach).toBe('会员|7');
    const body = `${encodeForm(signed(genuine))}&attach=${attach}`;
    expect(parseNotification(body, credentials).attach).toBe('会员|7');
  });

  it('accepts a lower-case signature (constant-time, either case)', () => {
    const fields = signed(genuine);
    expect(parseNotification({ ...fields, sign: fields.sign!.toLowerCase() }, credentials).orderId).toBe(
      'E1',
    );
  });

  it('refuses tampering with any signed field', () => {
    const fields = signed(genuine);
    for (const name of NOTIFICATION_SIGNED_FIELDS) {
      expect(errorCode(() => parseNotification({ ...fields, [name]: `${fields[name]}9` }, credentials))).toBe(
        'BAD_SIGNATURE',
      );
    }
  });

  it('refuses another key', () => {
    expect(errorCode(() => parseNotification(signed(genuine), { memberId: '10002', key: 'other' }))).toBe(
      'BAD_SIGNATURE',
    );
  });

  it('refuses duplicate keys and malformed encoding', () => {
    const body = encodeForm(signed(genuine));
    expect(errorCode(() => parseNotification(`${body}&amount=1.0000`, credentials))).toBe('DUPLICATE_FIELD');
    expect(errorCode(() => parseNotification(`${body}&attach=%E4%B8`, credentials))).toBe(
      'MALFORMED_ENCODING',
    );
  });

  it.each(['orderid', 'amount', 'transaction_id', 'datetime'])(
    'refuses a NUL in the signed field %s as malformed, naming it, even when correctly signed',
    (name) => {
      const fields = signed({ ...genuine, [name]: `${genuine[name as keyof typeof genuine]}\u0000` });
      for (const received of [fields, encodeForm(fields)]) {
        for (const tolerant of [false, true]) {
          try {
            parseNotification(received, credentials, { tolerant });
            expect.unreachable();
          } catch (error) {
            expect(error).toMatchObject({ code: 'INVALID_CHARACTER', field: name });
          }
        }
      }
    },
  );

  it('refuses a lone surrogate in a signed field given as an object', () => {
    const fields = signed({ ...genuine, transaction_id: '2024\ud800' });
    expect(errorCode(() => parseNotification(fields, credentials))).toBe('INVALID_CHARACTER');
  });

  it('refuses missing fields naming them', () => {
    const { transaction_id: _, ...rest } = signed(genuine);
    expect(() => parseNotification(rest, credentials)).toThrow(/transaction_id/);
  });

  it('reports a genuine notification for another member with its fields', () => {
    const fields = signed({ ...genuine, memberid: '10003' });
    try {
      parseNotification(fields, credentials);
      expect.unreachable();
    } catch (error) {
      expect((error as { code: string }).code).toBe('MEMBER_MISMATCH');
      expect((error as { notification: Record<string, string> }).notification.orderid).toBe('E1');
    }
  });

  it('refuses a returncode other than "00"', () => {
    expect(errorCode(() => parseNotification(signed({ ...genuine, returncode: '01' }), credentials))).toBe(
      'NOT_SUCCESS',
    );
  });

  describe('tolerant: unsigned fields cannot refuse a correctly signed notification', () => {
    const body = buildBody(signed(genuine));

    /** The body as the gateway builds it: raw values, in its field order. */
    function buildBody(fields: Record<string, string>): string {
      return Object.entries(fields)
        .map(([k, v]) => `${k}=${v}`)
        .join('&');
    }

    it.each([
      // attach '' escaped by htmlspecialchars (ENT_QUOTES) and sent unencoded: two stray fields named #039;
      ['&#039;&#039;', 'DUPLICATE_FIELD', '#039;'],
      // a shopper who edits the unsigned pay_attach
      ['%E4%B8', 'MALFORMED_ENCODING', 'attach'],
      ['x&amp;amount=1&amp;amount=2', 'DUPLICATE_FIELD', 'amp;amount'],
      ['1&attach=2', 'DUPLICATE_FIELD', 'attach'],
      ['1&%E4=3', 'MALFORMED_ENCODING', '%E4'],
      ['a%00b', 'INVALID_CHARACTER', 'attach'],
    ])('attach=%s: accepted, with a %s anomaly on %s', (attach, code, field) => {
      const raw = `${body}&attach=${attach}`;
      // Strict mode refuses all of these but NUL in an unsigned field, which it hands over as received.
      if (code !== 'INVALID_CHARACTER')
        expect(errorCode(() => parseNotification(raw, credentials))).toBe(code);
      else expect(parseNotification(raw, credentials).attach).toBe('a\u0000b');
      const n = parseNotification(raw, credentials, { tolerant: true });
      expect(n.orderId).toBe('E1');
      expect(n.amountFen).toBe(1234);
      expect(n.anomalies).toContainEqual(expect.objectContaining({ code, field }));
      // What was wrong is left out, never guessed at.
      if (field === 'attach') expect(n.attach).toBe('');
    });

    it('reports no anomaly for a clean body, and keeps attach', () => {
      const n = parseNotification(`${body}&attach=sku%2D7`, credentials, { tolerant: true });
      expect(n.anomalies).toEqual([]);
      expect(n.attach).toBe('sku-7');
      expect(parseNotification(`${body}&attach=sku`, credentials).anomalies).toEqual([]);
    });

    it('keeps the strict rules for signed fields', () => {
      const options = { tolerant: true };
      expect(errorCode(() => parseNotification(`${body}&amount=12.3400`, credentials, options))).toBe(
        'DUPLICATE_FIELD',
      );
      expect(errorCode(() => parseNotification(`${body}&sign=00`, credentials, options))).toBe(
        'DUPLICATE_FIELD',
      );
      const badAmount = body.replace('amount=12.3400', 'amount=12.34%E4');
      expect(errorCode(() => parseNotification(badAmount, credentials, options))).toBe('MALFORMED_ENCODING');
      const tampered = body.replace('orderid=E1', 'orderid=E2');
      expect(errorCode(() => parseNotification(`${tampered}&attach=%E4`, credentials, options))).toBe(
        'BAD_SIGNATURE',
      );
    });

    it('treats repeated or non-string unsigned fields of an object the same way', () => {
      const n = parseNotification({ ...signed(genuine), attach: ['a', 'b'], extra: 7 }, credentials, {
        tolerant: true,
      });
      expect(n.anomalies.map((a) => `${a.field}:${a.code}`)).toEqual([
        'attach:DUPLICATE_FIELD',
        'extra:INVALID_FIELD',
      ]);
      expect(n.attach).toBe('');
      const params = new URLSearchParams(`${body}&attach=1&attach=2`);
      expect(parseNotification(params, credentials, { tolerant: true }).anomalies).toEqual([
        expect.objectContaining({ field: 'attach', code: 'DUPLICATE_FIELD' }),
      ]);
      expect(errorCode(() => parseNotification(params, credentials))).toBe('DUPLICATE_FIELD');
    });

    it('names a stray field safely: control characters replaced, at most 40 characters', () => {
      const raw = `${body}&attach=1&${'%01'.repeat(50)}=1&${'%01'.repeat(50)}=2`;
      const [anomaly] = parseNotification(raw, credentials, { tolerant: true }).anomalies;
      expect(anomaly!.field).toBe('?'.repeat(40));
    });
  });

  it('supports the 5-field legacy dialect by option only', () => {
    const { transaction_id: _, ...five } = genuine;
    const fields = signed(five, true);
    expect(parseNotification(fields, credentials, { dialect: 'legacy' }).amountFen).toBe(1234);
    expect(errorCode(() => parseNotification({ ...fields, transaction_id: 'x' }, credentials))).toBe(
      'BAD_SIGNATURE',
    );
  });
});
