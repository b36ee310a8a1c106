/**
 * @module routes/order-status
 * `GET /api/orders/:orderId`: the public status of one order, for the widget's polling and the merchant's page.
 * Only what a shopper may see (never `attach`, the transaction id or the signed form). A pending order may start
 * one gateway query in the background (at most once per order per 30 s, per instance), whose answer shows up on
 * the next poll as `checkedAt`, read from the shared query log so every instance answers alike. Rate-limited per
 * client address.
 */
import { Hono } from 'hono';
import type { SignerConfig } from '../config/load-config.ts';
import { HttpError } from '../errors.ts';
import { clientAddress } from '../http/client-address.ts';
import { createRateLimiter, enforceRateLimit } from '../http/rate-limit.ts';
import { setResponseHeader } from '../http/response-header.ts';
import type { SignerEnv } from '../log.ts';
import { lastNotPaidAt } from '../reconcile/last-not-paid.ts';
import type { OrderStore } from '../store/order-store.ts';

/** What {@link orderStatusRoute} needs. */
export interface OrderStatusRouteDeps {
  config: Pick<SignerConfig, 'rateLimit' | 'trustedProxyHeader'>;
  /** `listGatewayQueries` for `checkedAt` (reconcile/last-not-paid.ts). */
  store: Pick<OrderStore, 'getOrder' | 'listGatewayQueries'>;
  clock: () => Date;
  /** Asks the gateway about a pending order in the background, if it was not asked lately; never waits. */
  requestCheck: (orderId: string) => void;
}

const ORDER_ID = /^[A-Za-z0-9]{1,32}$/;

/**
 * The order status route, to mount at `/api/orders`.
 * @example
 * app.route('/api/orders', orderStatusRoute({ config, store, clock, ...background }));
 * // GET /api/orders/E2024... → { orderId, status: 'NOTPAY' | 'PAID', amountFen, bankCode, createdAt, paidAt, checkedAt }
 */
export function orderStatusRoute(deps: OrderStatusRouteDeps): Hono<SignerEnv> {
  const { config, store, clock } = deps;
  const limiter = createRateLimiter({
    limit: config.rateLimit.status,
    windowMs: config.rateLimit.windowMs,
    clock: () => clock().getTime(),
  });

  return new Hono<SignerEnv>().get('/:orderId', async (c) => {
    enforceRateLimit(limiter, clientAddress(c, config.trustedProxyHeader));
    const orderId = c.req.param('orderId');
    const order = ORDER_ID.test(orderId) ? await store.getOrder(orderId) : null;
    if (!order) throw new HttpError('ORDER_NOT_FOUND', 'no such order');
    const pending = order.status === 'NOTPAY';
    if (pending) deps.requestCheck(order.orderId);
    // Only a pending order's answer needs it: a paid one is settled whatever the gateway said before.
    const checkedAt = pending ? await lastNotPaidAt(store, order.orderId) : null;
    setResponseHeader(c, 'Cache-Control', 'no-store');
    return c.json({
      orderId: order.orderId,
      status: order.status,
      amountFen: order.amountFen,
      bankCode: order.bankCode,
      createdAt: order.createdAt.toISOString(),
      paidAt: order.paidAt?.toISOString() ?? null,
      checkedAt: checkedAt?.toISOString() ?? null,
    });
  });
}
