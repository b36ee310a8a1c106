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

  it('supports the 5-field legacy dialect by option only', () => {
    const { transaction_id: _, ...five } = genuine;
    const fields = signed(five, true);
    expect(parseNotification(fields, credentials, { dialect: 'legacy' }).amountFen).toBe(1234);
    expect(errorCode(() => parseNotification({ ...fields, transaction_id: 'x' }, credentials))).toBe(
      'BAD_SIGNATURE',
    );
  });
});
