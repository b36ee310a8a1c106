/**
 * @module webhook/event
 * The JSON body of an `order.paid` webhook, built from one outbox row at send time. The envelope (`id`, `type`,
 * `createdAt`) comes from the row's own columns, so the id the merchant dedupes on is always the outbox primary key;
 * `data` is normalised from the payload `applyPayment` wrote, so the wire format stays fixed even if that changes.
 */
import { formatYuan } from '@jupay/core';
import type { OutboxEvent } from '../store/order-store.ts';
import type { WebhookEvent } from '@jupay/webhook';

// Payload values are strings; a number reads as its digits, anything else (missing, an object) as empty, never as
// "[object Object]".
function text(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

/**
 * The webhook JSON body for one outbox row.
 *
 * @example
 * ```ts
 * const body = webhookBody(event);
 * // '{"id":"...","type":"order.paid","createdAt":"...","data":{"orderId":"...","amountFen":1230,"amount":"12.30",...}}'
 * ```
 */
export function webhookBody(event: OutboxEvent): string {
  const p = event.payload;
  const amountFen = Number(p.amountFen);
  const via = p.paidVia ?? p.via;
  const data: WebhookEvent['data'] = {
    orderId: text(p.orderId) || event.orderId,
    amountFen,
    amount: Number.isSafeInteger(amountFen) ? formatYuan(amountFen) : '',
    bankCode: text(p.bankCode),
    transactionId: text(p.transactionId),
    paidAt: text(p.paidAt) || event.createdAt.toISOString(),
    paidVia: via === 'query' ? 'query' : 'notify',
  };
  // The merchant's own fields, when the order had them: often how the merchant finds what to ship.
  if (typeof p.productName === 'string') data.productName = p.productName;
  if (typeof p.attach === 'string') data.attach = p.attach;
  const body: WebhookEvent = {
    id: event.id,
    type: event.type,
    createdAt: event.createdAt.toISOString(),
    data,
  };
  return JSON.stringify(body);
}
