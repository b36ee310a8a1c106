/**
 * @module webhook/event
 * The `order.paid` event: what `markPaid` writes to the outbox (the `data` part) and the JSON body the sender builds
 * from an outbox row. The envelope is built at send time from the row's own columns, so the id the merchant dedupes
 * on is always the outbox primary key.
 */
import { randomUUID } from 'node:crypto';
import { formatYuan } from '@jupay/core';
import type { OrderRecord, OutboxEvent, PaidVia } from '../store/order-store.ts';
import type { WebhookEvent } from './signature.ts';

/**
 * A new event id: `evt_` and a random UUID without dashes. Unique across instances without coordination.
 *
 * @example
 * ```ts
 * newEventId(); // 'evt_3b241101e2bb42558caf4136c566a962'
 * ```
 */
export function newEventId(): string {
  return `evt_${randomUUID().replaceAll('-', '')}`;
}

/**
 * The `event` argument of `OrderStore.markPaid` for an order about to become paid.
 *
 * @example
 * ```ts
 * const result = await store.markPaid({
 *   orderId, transactionId, amountFen, paidAt, via: 'notify',
 *   event: paidEvent(order, { transactionId, paidAt, via: 'notify' }),
 * });
 * ```
 */
export function paidEvent(
  order: Pick<OrderRecord, 'orderId' | 'amountFen' | 'bankCode'>,
  paid: { transactionId: string; paidAt: Date; via: PaidVia },
): { id: string; payload: WebhookEvent['data'] } {
  return {
    id: newEventId(),
    payload: {
      orderId: order.orderId,
      amountFen: order.amountFen,
      amount: formatYuan(order.amountFen),
      bankCode: order.bankCode,
      transactionId: paid.transactionId,
      paidAt: paid.paidAt.toISOString(),
      paidVia: paid.via,
    },
  };
}

/**
 * The webhook JSON body for one outbox row.
 *
 * @example
 * ```ts
 * const body = webhookBody(event); // '{"id":"evt_...","type":"order.paid","createdAt":"...","data":{...}}'
 * ```
 */
export function webhookBody(event: OutboxEvent): string {
  const body: WebhookEvent = {
    id: event.id,
    type: event.type,
    createdAt: event.createdAt.toISOString(),
    data: event.payload as WebhookEvent['data'],
  };
  return JSON.stringify(body);
}
