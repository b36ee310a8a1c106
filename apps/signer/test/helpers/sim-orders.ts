/**
 * @module helpers/sim-orders
 * Places orders the way checkout does, without the HTTP route: a signed payment request POSTed to the simulator's
 * real `Pay_Index.html` (so the gateway knows the order) and the same order written to a store.
 */
import { createPaymentRequest, encodeForm, newOrderId } from '@jupay/core';
import type { OrderStore } from '../../src/store/order-store.ts';

/** The public demo merchant the simulator knows by default (docs/protocol.md#test-vectors). */
export const DEMO = { memberId: '10002', key: 't4ig5acnpx4fet4zapshjacjd9o4bhbi' } as const;

/**
 * Creates one order at the simulator and in the store; returns its id.
 *
 * @example
 * ```ts
 * const orderId = await placeOrder(sim.url, store, { amountFen: 1230, notifyUrl, nextQueryAt: new Date() });
 * await sim.controls.pay(orderId);
 * ```
 */
export async function placeOrder(
  gatewayUrl: string,
  store: OrderStore | null,
  options: {
    amountFen?: number;
    storedAmountFen?: number;
    notifyUrl: string;
    nextQueryAt?: Date | null;
    createdAt?: Date;
    /** The merchant at the simulator (default the demo merchant), and the gateway account it is bound to. */
    credentials?: { memberId: string; key: string };
    gatewayId?: string;
  },
): Promise<string> {
  const credentials = options.credentials ?? DEMO;
  const orderId = newOrderId();
  const amountFen = options.amountFen ?? 1230;
  const request = createPaymentRequest(
    {
      paymentUrl: `${gatewayUrl}/Pay_Index.html`,
      orderId,
      amount: amountFen,
      bankCode: '903',
      notifyUrl: options.notifyUrl,
      callbackUrl: 'http://127.0.0.1:9/return',
      productName: 'Test',
    },
    credentials,
  );
  const response = await fetch(request.action, {
    method: 'POST',
    body: encodeForm(request.fields),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  const text = await response.text();
  // Success is the cashier page (HTML); refusals are JSON `{"status":"error"}` (docs/protocol.md#payment-request).
  if (response.status !== 200 || text.includes('"status":"error"')) {
    throw new Error(`simulator refused order ${orderId}: ${response.status} ${text.slice(0, 200)}`);
  }
  await store?.createOrder({
    orderId,
    memberId: credentials.memberId,
    amountFen: options.storedAmountFen ?? amountFen,
    bankCode: '903',
    productName: 'Test',
    attach: null,
    createdAt: options.createdAt ?? new Date(),
    nextQueryAt: options.nextQueryAt === undefined ? new Date() : options.nextQueryAt,
    requestFields: request.fields,
    ...(options.gatewayId !== undefined ? { gatewayId: options.gatewayId } : {}),
  });
  return orderId;
}
