/**
 * @module event.test
 * The event's shape: every field of a real `order.paid` body, each broken in turn; other types pass with their
 * envelope checked.
 */
import { describe, expect, it } from 'vitest';
import { vectors } from '../test/helpers/vectors.ts';
import { WebhookVerificationError } from './errors.ts';
import { ORDER_PAID, parseWebhookEvent } from './event.ts';

const W1 = JSON.parse(vectors.vectors[0]!.body) as Record<string, unknown> & {
  data: Record<string, unknown>;
};

function problem(value: unknown): string {
  try {
    parseWebhookEvent(typeof value === 'string' ? value : JSON.stringify(value));
  } catch (error) {
    if (error instanceof WebhookVerificationError && error.code === 'MALFORMED_BODY') return error.message;
    throw error;
  }
  return 'accepted';
}

function withData(change: Record<string, unknown>) {
  return { ...W1, data: { ...W1.data, ...change } };
}

describe('parseWebhookEvent', () => {
  it('returns a real order.paid body as it is', () => {
    const event = parseWebhookEvent(vectors.vectors[0]!.body);
    expect(event.type).toBe(ORDER_PAID);
    expect(event.data).toEqual({
      orderId: 'E20240301120000654321',
      amountFen: 1230,
      amount: '12.30',
      bankCode: '903',
      transactionId: '20240301120005123456',
      paidAt: '2024-03-01T04:00:05.000Z',
      paidVia: 'notify',
      productName: 'VIP 会员',
      attach: 'sku-7|蓝色',
    });
    expect(parseWebhookEvent(vectors.vectors[1]!.body).data.paidVia).toBe('query');
  });

  it('names what is wrong with the envelope', () => {
    expect(problem('not json')).toBe('webhook body is not JSON');
    expect(problem([W1])).toBe('webhook body is not an event object');
    expect(problem('null')).toBe('webhook body is not an event object');
    expect(problem({ ...W1, id: 7 })).toBe('id is not a string');
    expect(problem({ ...W1, id: '' })).toBe('id is empty');
    expect(problem({ ...W1, type: undefined })).toBe('type is not a string');
    expect(problem({ ...W1, createdAt: 0 })).toBe('createdAt is not a string');
    expect(problem({ ...W1, data: 'x' })).toBe('data is not an object');
  });

  it('names what is wrong with order.paid data', () => {
    expect(problem(withData({ orderId: undefined }))).toBe('data.orderId is not a string');
    expect(problem(withData({ amount: 12.3 }))).toBe('data.amount is not a string');
    expect(problem(withData({ amountFen: 12.3 }))).toBe('data.amountFen is not an integer number of fen');
    expect(problem(withData({ amountFen: '1230' }))).toBe('data.amountFen is not an integer number of fen');
    expect(problem(withData({ paidVia: 'return' }))).toBe('data.paidVia is not "notify" or "query"');
    expect(problem(withData({ attach: null }))).toBe('data.attach is not a string');
    expect(problem(withData({ productName: 1 }))).toBe('data.productName is not a string');
  });

  it('lets an event type it does not know through with its envelope, so a newer sender breaks nothing', () => {
    const event = parseWebhookEvent(
      JSON.stringify({ ...W1, type: 'order.refunded', data: { refundId: 'r1' } }),
    );
    expect(event.type as string).toBe('order.refunded');
    expect(event.data as unknown).toEqual({ refundId: 'r1' });
  });
});
