/**
 * @module event
 * The JSON body of a webhook request, shared by the sender (@jupay/signer builds it) and every receiver. Money is
 * integer fen; `amount` is the same value in yuan as a decimal string, for display. Times are ISO 8601 (UTC).
 */
import { WebhookVerificationError } from './errors.ts';

/**
 * The type of the event sent once an order is paid, whether the gateway's notification or a query found out.
 *
 * @example
 * if (event.type === ORDER_PAID) await ship(event.data.orderId);
 */
export const ORDER_PAID = 'order.paid';

/** Every event type this version knows. A newer signer may send more: answer 2xx to types you do not handle. */
export type WebhookEventType = typeof ORDER_PAID;

/** What an `order.paid` event says about the order. */
export interface OrderPaidData {
  /** The merchant's order id, as sent to the gateway (`pay_orderid`). */
  orderId: string;
  /** The paid amount in fen (分), checked against the order by the signer before the event was written. */
  amountFen: number;
  /** The same amount in yuan, two decimals: `"12.30"`. */
  amount: string;
  /** The payment method's bank code (银行编码), e.g. `"903"`. */
  bankCode: string;
  /** The gateway's own order number. */
  transactionId: string;
  /** When the signer recorded the payment. */
  paidAt: string;
  /** How the signer learned of the payment: the gateway's notification or a query it made. */
  paidVia: 'notify' | 'query';
  /** The product name given at checkout, when there was one. */
  productName?: string;
  /** The merchant's own data given at checkout (`attach`), when there was any. */
  attach?: string;
}

/**
 * `order.paid`: deliver the goods. Delivery is at-least-once, so the same `id` can arrive more than once.
 *
 * @example
 * const event: OrderPaidEvent = verifyWebhook(body, header, secret);
 * console.log(event.data.orderId, event.data.amountFen);
 */
export interface OrderPaidEvent {
  /** Unique per event and stable across re-deliveries: dedupe on it. */
  id: string;
  type: typeof ORDER_PAID;
  /** When the event was written, in the same transaction as the paid order. */
  createdAt: string;
  data: OrderPaidData;
}

/**
 * The body of a webhook request: the union of the event types this version knows.
 *
 * @example
 * function handle(event: WebhookEvent) {
 *   switch (event.type) {
 *     case 'order.paid':
 *       return ship(event.data.orderId);
 *   }
 * }
 */
export type WebhookEvent = OrderPaidEvent;

function malformed(message: string): never {
  throw new WebhookVerificationError('MALFORMED_BODY', message);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function requireString(object: Record<string, unknown>, name: string, where: string): void {
  if (typeof object[name] !== 'string') malformed(`${where}${name} is not a string`);
}

function checkOrderPaid(data: Record<string, unknown>): void {
  for (const name of ['orderId', 'amount', 'bankCode', 'transactionId', 'paidAt']) {
    requireString(data, name, 'data.');
  }
  if (!Number.isSafeInteger(data.amountFen)) malformed('data.amountFen is not an integer number of fen');
  if (data.paidVia !== 'notify' && data.paidVia !== 'query')
    malformed('data.paidVia is not "notify" or "query"');
  for (const name of ['productName', 'attach']) {
    if (data[name] !== undefined) requireString(data, name, 'data.');
  }
}

/**
 * Parses a body whose signature has already been checked, and checks its shape: the envelope of every event, and
 * the fields of the types this version knows. Events of other types pass with their envelope checked, so a newer
 * sender does not break an older receiver. Throws {@link WebhookVerificationError} `MALFORMED_BODY`.
 *
 * @example
 * const event = parseWebhookEvent('{"id":"e1","type":"order.paid","createdAt":"...","data":{...}}');
 */
export function parseWebhookEvent(text: string): WebhookEvent {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    malformed('webhook body is not JSON');
  }
  if (!isObject(value)) malformed('webhook body is not an event object');
  requireString(value, 'id', '');
  if (value.id === '') malformed('id is empty');
  requireString(value, 'type', '');
  requireString(value, 'createdAt', '');
  if (!isObject(value.data)) malformed('data is not an object');
  if (value.type === ORDER_PAID) checkOrderPaid(value.data);
  return value as unknown as WebhookEvent;
}
