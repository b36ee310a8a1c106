/**
 * @module orders/decide-notification.test
 * Every verdict of a gateway notification, decided without HTTP or a store: what a verified one's commit result
 * means (the answer, the report, the paid order, the unsigned-field anomaly), what a refused or unverified one writes
 * (log row, anomaly), and what the gateway is told.
 */
import { LEGACY_NOTIFICATION_SIGNED_FIELDS, sign } from '@jupay/core';
import { describe, expect, it } from 'vitest';
import type { ApplyNotificationResult, OrderRecord } from '../store/order-store.ts';
import { notificationBody, TEST_KEY, TEST_MEMBER } from '../../test/helpers/notifications.ts';
import {
  claimedOrderId,
  decideApplied,
  decideNotification,
  receiveNotification,
  truncateUtf8,
  type AppliedDecision,
  type NotificationDecision,
  type VerifiedNotification,
} from './decide-notification.ts';

const credentials = { memberId: TEST_MEMBER, key: TEST_KEY };
const ORDER_ID = 'E2024030112000000001';
const receivedAt = new Date('2024-03-01T04:00:05.000Z');

function order(overrides: Partial<OrderRecord> = {}): OrderRecord {
  return {
    orderId: ORDER_ID,
    memberId: TEST_MEMBER,
    amountFen: 1230,
    bankCode: '903',
    productName: 'VIP',
    attach: null,
    status: 'NOTPAY',
    transactionId: null,
    paidVia: null,
    createdAt: new Date('2024-03-01T04:00:00.000Z'),
    paidAt: null,
    nextQueryAt: new Date('2024-03-01T04:01:00.000Z'),
    queryAttempts: 0,
    gatewayId: 'default',
    ...overrides,
  };
}
const paidOrder = (overrides: Partial<OrderRecord> = {}) =>
  order({
    status: 'PAID',
    transactionId: '20240301120005123456',
    paidVia: 'notify',
    paidAt: receivedAt,
    nextQueryAt: null,
    ...overrides,
  });

/**
 * Receives `body`, which cannot pay, and decides it against `stored` (looked up by the id the body names, as the
 * route does).
 */
function decide(body: string, stored: OrderRecord | null): NotificationDecision {
  const received = receiveNotification(body, credentials);
  if (received.kind === 'verified') throw new Error('decide: a verified body is for decideApplied');
  return decideNotification({
    received,
    order: received.orderToRead === null ? null : stored,
    receivedAt,
  });
}

function verified(body: string): VerifiedNotification {
  const received = receiveNotification(body, credentials);
  if (received.kind !== 'verified') throw new Error(`expected a verified body, got ${received.kind}`);
  return received;
}

/** Each result the store's commit can give, for an order as stored. */
const result = {
  paid: (): ApplyNotificationResult => ({ outcome: 'paid', order: paidOrder(), verdict: 'paid' }),
  alreadyPaid: (stored = paidOrder()): ApplyNotificationResult => ({
    outcome: 'already_paid',
    order: stored,
    verdict: 'duplicate',
  }),
  amountMismatch: (stored = order()): ApplyNotificationResult => ({
    outcome: 'amount_mismatch',
    order: stored,
    verdict: 'amount_mismatch',
  }),
  notFound: (): ApplyNotificationResult => ({ outcome: 'not_found', verdict: 'unknown_order' }),
};

/** Receives the verified `body` and decides what the store's commit answered. */
function applied(body: string, outcome: ApplyNotificationResult): AppliedDecision {
  return decideApplied(verified(body), outcome, receivedAt);
}

const OK = { status: 200, body: 'OK', verdict: null };
const fail = (verdict: string) => ({ status: 400, body: 'FAIL', verdict });

describe('receiveNotification', () => {
  it('a genuine notification: the whole body and the verified fields, for the store', () => {
    const body = notificationBody({ orderid: ORDER_ID, amount: '12.3000' });
    const received = receiveNotification(body, credentials);
    expect(received).toEqual({
      kind: 'verified',
      rawBody: body,
      notification: expect.objectContaining({
        orderId: ORDER_ID,
        amountFen: 1230,
        transactionId: '20240301120005123456',
        anomalies: [],
      }),
    });
  });

  it('signed with our key but refused: member id, return code; the claimed order is read', () => {
    expect(
      receiveNotification(notificationBody({ orderid: ORDER_ID, memberid: '10003' }), credentials),
    ).toEqual({
      kind: 'refused',
      rawBody: expect.any(String),
      verdict: 'member_mismatch',
      detail: 'notification for member 10003',
      claimedOrderId: ORDER_ID,
      orderToRead: ORDER_ID,
    });
    expect(
      receiveNotification(notificationBody({ orderid: ORDER_ID, returncode: '01' }), credentials),
    ).toMatchObject({
      kind: 'refused',
      verdict: 'not_success',
      detail: 'notification returncode 01',
    });
    // The detail quotes a verified field, but at most 20 characters of it.
    const long = receiveNotification(
      notificationBody({ orderid: ORDER_ID, returncode: '9'.repeat(50) }),
      credentials,
    );
    expect(long).toMatchObject({ detail: `notification returncode ${'9'.repeat(20)}` });
  });

  it('unverified bodies read nothing and keep the core error for the log', () => {
    const good = notificationBody({ orderid: ORDER_ID });
    const cases: [string, string, string, string | undefined][] = [
      [
        notificationBody({ orderid: ORDER_ID }, 'another-merchant-key'),
        'bad_signature',
        'BAD_SIGNATURE',
        'sign',
      ],
      [good.replace('amount=12.3000', 'amount=0.0100'), 'bad_signature', 'BAD_SIGNATURE', 'sign'],
      [good.replace(/&datetime=\d+/, ''), 'malformed', 'MISSING_FIELD', 'datetime'],
      [`${good}&amount=12.3000`, 'malformed', 'DUPLICATE_FIELD', 'amount'],
      [`${good}&orderid=${ORDER_ID}`, 'malformed', 'DUPLICATE_FIELD', 'orderid'],
      [good.replace('datetime=', 'datetime=%E4'), 'malformed', 'MALFORMED_ENCODING', 'datetime'],
      // A NUL in a signed field, raw or percent-encoded, even signed with our key.
      [
        notificationBody({ orderid: ORDER_ID, transaction_id: '2024\u0000' }),
        'malformed',
        'INVALID_CHARACTER',
        'transaction_id',
      ],
      [
        notificationBody({ orderid: ORDER_ID, datetime: '20240301120005%00' }),
        'malformed',
        'INVALID_CHARACTER',
        'datetime',
      ],
      // Signed correctly, but the amount is not a whole number of fen.
      [notificationBody({ orderid: ORDER_ID, amount: '12.3010' }), 'malformed', 'INVALID_AMOUNT', 'amount'],
    ];
    for (const [body, verdict, code, field] of cases) {
      expect(receiveNotification(body, credentials)).toEqual({
        kind: 'unverified',
        rawBody: body,
        verdict,
        claimedOrderId: ORDER_ID,
        code,
        field,
        orderToRead: null,
      });
    }
    expect(receiveNotification('', credentials)).toMatchObject({
      kind: 'unverified',
      verdict: 'malformed',
      claimedOrderId: null,
    });
  });
});

describe('unsigned fields of a genuine notification', () => {
  it.each([
    // attach '' as the gateway sends it: HTML-escaped (ENT_QUOTES), unencoded, so split into stray fields.
    ['&#039;&#039;', 'unsigned field #039; appears more than once'],
    // A shopper who edited the unsigned pay_attach in the form.
    ['%E4%B8', 'unsigned field attach has malformed percent-encoding'],
    ['1&attach=2', 'unsigned field attach appears more than once'],
  ])('attach=%s cannot refuse it: paid, and one anomaly on the order', (attach, detail) => {
    const body = `${notificationBody({ orderid: ORDER_ID })}`.replace(/&attach=$/, `&attach=${attach}`);
    expect(body).toContain(`&attach=${attach}`);
    const fieldAnomaly = { orderId: ORDER_ID, kind: 'unsigned_field', detail, at: receivedAt };
    expect(applied(body, result.paid())).toEqual({
      verdict: 'paid',
      fieldAnomaly,
      paidOrder: paidOrder(),
      answer: OK,
      report: {
        level: 'info',
        message: 'notification applied',
        fields: { orderId: ORDER_ID, verdict: 'paid', anomaly: 'unsigned_field' },
      },
    });
    // On every outcome where the order is ours: a duplicate, another amount.
    expect(applied(body, result.alreadyPaid())).toMatchObject({ verdict: 'duplicate', fieldAnomaly });
    expect(applied(body, result.amountMismatch())).toMatchObject({
      verdict: 'amount_mismatch',
      fieldAnomaly,
      report: { fields: { anomaly: 'unsigned_field' } },
    });
    // No order of ours: nothing to file it under.
    expect(applied(body, result.notFound())).toEqual({
      verdict: 'unknown_order',
      fieldAnomaly: null,
      paidOrder: null,
      answer: fail('unknown_order'),
      report: {
        level: 'warn',
        message: 'notification refused',
        fields: { orderId: ORDER_ID, verdict: 'unknown_order' },
      },
    });
  });

  it('the detail stays short and holds no control character, whatever the stray fields are called', () => {
    const strays = Array.from({ length: 40 }, (_, i) => `%01${'%F0%9F%98%80'.repeat(i)}=1&%01=2`).join('&');
    const body = `${notificationBody({ orderid: ORDER_ID })}&${strays}`;
    const { fieldAnomaly } = applied(body, result.paid());
    expect(Array.from(fieldAnomaly!.detail).length).toBeLessThanOrEqual(303);
    // eslint-disable-next-line no-control-regex -- control characters are what must not be there
    expect(fieldAnomaly!.detail).not.toMatch(/[\u0000-\u001f]/);
    // Whole characters only: a lone surrogate does not survive a round trip through UTF-8.
    expect(Buffer.from(fieldAnomaly!.detail, 'utf8').toString('utf8')).toBe(fieldAnomaly!.detail);
  });
});

describe('the legacy dialect', () => {
  /** A 5-field legacy notification as the old gateway builds it, `transaction_id` sent but not signed. */
  function legacyBody(transactionId: string): string {
    const signed = {
      memberid: TEST_MEMBER,
      orderid: ORDER_ID,
      amount: '12.3000',
      datetime: '20240301120005',
      returncode: '00',
    };
    const signature = sign(signed, TEST_KEY, {
      signedFields: LEGACY_NOTIFICATION_SIGNED_FIELDS,
      dialect: 'legacy',
    });
    return `memberid=${TEST_MEMBER}&orderid=${ORDER_ID}&transaction_id=${transactionId}&amount=12.3000&datetime=20240301120005&returncode=00&sign=${signature}&attach=`;
  }

  it('verifies 5 signed fields with name=>value joins, and only in that dialect', () => {
    const body = legacyBody('20240301120005123456');
    expect(receiveNotification(body, credentials, { dialect: 'legacy' })).toMatchObject({
      kind: 'verified',
      notification: { orderId: ORDER_ID, amountFen: 1230, transactionId: '20240301120005123456' },
    });
    expect(receiveNotification(body, credentials)).toMatchObject({
      kind: 'unverified',
      verdict: 'bad_signature',
    });
    expect(
      receiveNotification(notificationBody({ orderid: ORDER_ID }), credentials, { dialect: 'legacy' }),
    ).toMatchObject({ kind: 'unverified', verdict: 'bad_signature' });
  });

  it.each(['x y', '2024%00', 'A'.repeat(65), '%E4%B8'])(
    'keeps the unsigned transaction_id %j only when it looks like one: never stored',
    (transactionId) => {
      const received = receiveNotification(legacyBody(transactionId), credentials, { dialect: 'legacy' });
      // The transaction id the store is given (and writes on the order and its event): none.
      expect(received).toMatchObject({
        kind: 'verified',
        notification: { orderId: ORDER_ID, amountFen: 1230, transactionId: '' },
      });
    },
  );
});

describe('claimedOrderId', () => {
  it.each([
    ['orderid=E1', 'E1'],
    ['a=1&orderid=E1&b=2', 'E1'],
    ['a=1&orderid=E1', 'E1'],
    [`orderid=${'A'.repeat(32)}`, 'A'.repeat(32)],
    [`orderid=${'A'.repeat(33)}`, null],
    ['orderid=E%31', null],
    ['orderid=E-1', null],
    ['orderid=', null],
    ['xorderid=E1', null],
    ['pay_orderid=E1', null],
    ['', null],
  ])('%j claims %j', (body, claimed) => {
    expect(claimedOrderId(body)).toBe(claimed);
  });
});

describe('decideApplied: what the one store commit did', () => {
  const body = notificationBody({ orderid: ORDER_ID, amount: '12.3000' });

  it('paid: OK, and the order as paid for the paid hooks', () => {
    expect(applied(body, result.paid())).toEqual({
      verdict: 'paid',
      fieldAnomaly: null,
      paidOrder: paidOrder(),
      answer: OK,
      report: {
        level: 'info',
        message: 'notification applied',
        fields: { orderId: ORDER_ID, verdict: 'paid' },
      },
    });
  });

  it('already paid: a duplicate, OK, and no paid order (another instance or request made the transition)', () => {
    const duplicate = {
      verdict: 'duplicate',
      fieldAnomaly: null,
      paidOrder: null,
      answer: OK,
      report: {
        level: 'info',
        message: 'notification applied',
        fields: { orderId: ORDER_ID, verdict: 'duplicate' },
      },
    };
    expect(applied(body, result.alreadyPaid())).toEqual(duplicate);
    // Paid by another transaction id: still OK (the store has recorded the transaction anomaly).
    expect(applied(body, result.alreadyPaid(paidOrder({ transactionId: 'T0' })))).toEqual(duplicate);
  });

  it('another amount: FAIL with the verdict, paid order or not, never a paid order', () => {
    for (const stored of [order({ amountFen: 1 }), paidOrder({ amountFen: 1 })]) {
      expect(applied(body, result.amountMismatch(stored))).toEqual({
        verdict: 'amount_mismatch',
        fieldAnomaly: null,
        paidOrder: null,
        answer: fail('amount_mismatch'),
        report: {
          level: 'warn',
          message: 'notification refused',
          fields: { orderId: ORDER_ID, verdict: 'amount_mismatch' },
        },
      });
    }
  });

  it('not one of our orders: unknown_order, FAIL, reported under the id it names', () => {
    const unknown = notificationBody({ orderid: 'E0000000000000000404' });
    expect(applied(unknown, result.notFound())).toEqual({
      verdict: 'unknown_order',
      fieldAnomaly: null,
      paidOrder: null,
      answer: fail('unknown_order'),
      report: {
        level: 'warn',
        message: 'notification refused',
        fields: { orderId: 'E0000000000000000404', verdict: 'unknown_order' },
      },
    });
  });
});

describe('decideNotification: signed with our key, but refused', () => {
  it.each([
    ['member_mismatch', { memberid: '10003' }, 'notification for member 10003'],
    ['not_success', { returncode: '01' }, 'notification returncode 01'],
  ] as const)('%s: an anomaly on our order, the whole body in its log', (verdict, fields, detail) => {
    const body = notificationBody({ orderid: ORDER_ID, ...fields });
    expect(decide(body, order())).toEqual({
      verdict,
      record: { orderId: ORDER_ID, rawBody: body, verdict, receivedAt },
      anomaly: { orderId: ORDER_ID, kind: verdict, detail, at: receivedAt },
      answer: fail(verdict),
      report: { level: 'warn', message: 'notification refused', fields: { orderId: ORDER_ID, verdict } },
    });
    // Not one of our orders: logged, but no anomaly to file it under.
    expect(decide(body, null)).toMatchObject({ verdict, anomaly: null, record: { orderId: ORDER_ID } });
  });

  it('naming no order id of ours: nothing to read, logged without an order', () => {
    const body = notificationBody({ orderid: 'E-1', memberid: '10003' });
    const received = receiveNotification(body, credentials);
    expect(received).toMatchObject({ kind: 'refused', claimedOrderId: null, orderToRead: null });
    expect(decide(body, order())).toMatchObject({
      verdict: 'member_mismatch',
      record: { orderId: null, rawBody: body },
      anomaly: null,
      answer: fail('member_mismatch'),
    });
  });
});

describe('decideNotification: unverified', () => {
  it('bad_signature and malformed: a claim, filed apart, never read or written to an order', () => {
    const forged = notificationBody({ orderid: ORDER_ID }, 'forger-key-0000');
    for (const [body, verdict, code, field] of [
      [forged, 'bad_signature', 'BAD_SIGNATURE', 'sign'],
      ['memberid=1&orderid=E1', 'malformed', 'MISSING_FIELD', 'amount'],
    ] as const) {
      expect(decide(body, order())).toEqual({
        verdict,
        record: {
          orderId: null,
          claimedOrderId: claimedOrderId(body),
          rawBody: body,
          bodyTruncated: false,
          verdict,
          receivedAt,
        },
        anomaly: null,
        answer: fail(verdict),
        report: {
          level: 'warn',
          message: 'notification refused',
          fields: { orderId: claimedOrderId(body), verdict, code, field },
        },
      });
    }
  });

  it('keeps at most 512 bytes of an unverified body, cut on a character boundary', () => {
    const forged = notificationBody({ orderid: ORDER_ID }, 'forger-key-0000');
    const padded = `${forged}&pad=${'é'.repeat(8192)}`;
    const { record } = decide(padded, null);
    expect(record.bodyTruncated).toBe(true);
    expect(Buffer.byteLength(record.rawBody)).toBeLessThanOrEqual(512);
    expect(Buffer.byteLength(record.rawBody)).toBeGreaterThanOrEqual(511);
    expect(padded.startsWith(record.rawBody)).toBe(true);
    expect(record.claimedOrderId).toBe(ORDER_ID);
    // A verified body is kept whole, however long (its size is bounded by the body limit).
    const long = notificationBody({ orderid: ORDER_ID, memberid: '10003', attach: 'x'.repeat(2000) });
    expect(decide(long, order()).record).toEqual({
      orderId: ORDER_ID,
      rawBody: long,
      verdict: 'member_mismatch',
      receivedAt,
    });
  });
});

describe('the answer', () => {
  it('is OK for paid and duplicate only, FAIL with the verdict for every other outcome', () => {
    const body = (fields: Record<string, string>, key?: string) =>
      notificationBody({ orderid: ORDER_ID, ...fields }, key);
    const decisions: [AppliedDecision | NotificationDecision, string][] = [
      [applied(body({}), result.paid()), 'paid'],
      [applied(body({}), result.alreadyPaid()), 'duplicate'],
      [applied(body({ amount: '1.0000' }), result.amountMismatch()), 'amount_mismatch'],
      [applied(body({}), result.notFound()), 'unknown_order'],
      [decide(body({ memberid: '10003' }), order()), 'member_mismatch'],
      [decide(body({ returncode: '01' }), order()), 'not_success'],
      [decide(body({}, 'forger-key-0000'), order()), 'bad_signature'],
      [decide('garbage%zz', order()), 'malformed'],
    ];
    for (const [decision, verdict] of decisions) {
      expect(decision.verdict).toBe(verdict);
      expect(decision.answer).toEqual(verdict === 'paid' || verdict === 'duplicate' ? OK : fail(verdict));
      expect(decision.report.level).toBe(verdict === 'paid' || verdict === 'duplicate' ? 'info' : 'warn');
      // FAIL can never be read as "ok" by the gateway.
      if (decision.answer.body === 'FAIL') expect(decision.answer.body.toLowerCase()).not.toContain('ok');
    }
    expect(new Set(decisions.map(([, verdict]) => verdict)).size).toBe(8);
  });
});

describe('truncateUtf8', () => {
  it.each([
    ['abc', 3, 'abc', false],
    ['abcd', 3, 'abc', true],
    // é is 2 bytes, 中 3, 😀 4: a cut inside one steps back to where it starts.
    ['aé', 2, 'a', true],
    ['aé', 3, 'aé', false],
    ['a中', 3, 'a', true],
    ['a中b', 4, 'a中', true],
    ['😀😀', 7, '😀', true],
    ['😀', 3, '', true],
  ])('%j to %i bytes', (text, limit, kept, truncated) => {
    expect(truncateUtf8(text, limit)).toEqual({ text: kept, truncated });
  });
});
