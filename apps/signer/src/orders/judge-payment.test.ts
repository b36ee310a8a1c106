/** @module orders/judge-payment.test — the rules of the paid transition, without a store. */
import { describe, expect, it } from 'vitest';
import type { MarkPaidResult, OrderRecord } from '../store/order-store.ts';
import { judgePayment, judgeTransition, paidTransition, type PaymentEvidence } from './judge-payment.ts';

const now = new Date('2024-03-01T04:00:05.000Z');

function order(overrides: Partial<OrderRecord> = {}): OrderRecord {
  return {
    orderId: 'E2024030112000000001',
    memberId: '10002',
    amountFen: 1230,
    bankCode: '903',
    productName: 'VIP',
    attach: 'sku-7',
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

const paid = (overrides: Partial<OrderRecord> = {}) =>
  order({
    status: 'PAID',
    transactionId: 'T1',
    paidVia: 'notify',
    paidAt: now,
    nextQueryAt: null,
    ...overrides,
  });

const evidence = (overrides: Partial<PaymentEvidence> = {}): PaymentEvidence => ({
  orderId: 'E2024030112000000001',
  transactionId: 'T1',
  amountFen: 1230,
  via: 'notify',
  ...overrides,
});

describe('judgePayment', () => {
  it('an unpaid order whose amount matches is left to the conditional write', () => {
    const o = order();
    expect(judgePayment(o, evidence(), now)).toEqual({ outcome: 'pay', order: o, anomaly: null });
  });

  it('no order: not found, nothing to record', () => {
    expect(judgePayment(null, evidence(), now)).toEqual({ outcome: 'not_found', order: null, anomaly: null });
  });

  it('another amount is an anomaly, whether the order is paid or not', () => {
    for (const o of [order(), paid()]) {
      expect(judgePayment(o, evidence({ amountFen: 1229, via: 'query' }), now)).toEqual({
        outcome: 'amount_mismatch',
        order: o,
        anomaly: {
          orderId: o.orderId,
          kind: 'amount_mismatch',
          detail: 'query reported 1229 fen, order is 1230 fen',
          at: now,
        },
      });
    }
  });

  it('a paid order is a duplicate; another transaction id on it is recorded', () => {
    const o = paid();
    expect(judgePayment(o, evidence(), now)).toEqual({ outcome: 'already_paid', order: o, anomaly: null });
    // The legacy dialect has no transaction id: nothing to compare.
    expect(judgePayment(o, evidence({ transactionId: '' }), now).anomaly).toBeNull();
    expect(
      judgePayment(paid({ transactionId: null }), evidence({ transactionId: 'T9' }), now).anomaly,
    ).toBeNull();
    expect(judgePayment(o, evidence({ transactionId: `T2${'x'.repeat(100)}` }), now)).toEqual({
      outcome: 'already_paid',
      order: o,
      anomaly: {
        orderId: o.orderId,
        kind: 'transaction_mismatch',
        // The reported id is untrusted input of any length: 64 characters are kept.
        detail: `notify reported transaction T2${'x'.repeat(62)}, order was paid by T1`,
        at: now,
      },
    });
  });
});

describe('paidTransition', () => {
  it('is the conditional write with its outbox event, from the order and the evidence', () => {
    expect(paidTransition(order(), evidence({ transactionId: 'T7' }), now, 'evt-1')).toEqual({
      orderId: 'E2024030112000000001',
      transactionId: 'T7',
      amountFen: 1230,
      paidAt: now,
      via: 'notify',
      event: {
        id: 'evt-1',
        payload: {
          orderId: 'E2024030112000000001',
          amountFen: 1230,
          bankCode: '903',
          productName: 'VIP',
          attach: 'sku-7',
          transactionId: 'T7',
          paidAt: '2024-03-01T04:00:05.000Z',
          via: 'notify',
        },
      },
    });
  });
});

describe('judgeTransition', () => {
  it('reads each answer of the conditional write', () => {
    const cases: [MarkPaidResult, unknown][] = [
      [
        { outcome: 'paid', order: paid() },
        { outcome: 'paid', order: paid(), anomaly: null },
      ],
      // Lost a race: paid once, by the other report; the same transaction is a plain duplicate.
      [
        { outcome: 'already_paid', order: paid() },
        { outcome: 'already_paid', order: paid(), anomaly: null },
      ],
      [
        { outcome: 'already_paid', order: paid({ transactionId: 'T0' }) },
        {
          outcome: 'already_paid',
          order: paid({ transactionId: 'T0' }),
          anomaly: expect.objectContaining({ kind: 'transaction_mismatch' }),
        },
      ],
      [
        { outcome: 'amount_mismatch', order: order({ amountFen: 999 }) },
        {
          outcome: 'amount_mismatch',
          order: order({ amountFen: 999 }),
          anomaly: expect.objectContaining({ detail: 'notify reported 1230 fen, order is 999 fen' }),
        },
      ],
      [{ outcome: 'not_found' }, { outcome: 'not_found', order: null, anomaly: null }],
    ];
    for (const [result, expected] of cases)
      expect(judgeTransition(result, evidence(), now)).toEqual(expected);
  });
});
