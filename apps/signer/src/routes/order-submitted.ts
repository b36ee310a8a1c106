/**
 * @module routes/order-submitted
 * `POST /api/orders/:orderId/submitted`: `<pay-button>` tells the signer it is posting the order's payment form to
 * the gateway (a beacon sent just before the POST, never awaited). The order then gets the whole reconciliation
 * schedule; until then, a checkout that promised this report (`beacon: "1"`) is asked about only briefly, since most
 * checkouts never reach the gateway (reconcile/schedule.ts, `UNSUBMITTED_QUERY_BUDGET`). A browser route: origin
 * checked by the CORS middleware on `/api/orders/*`, rate-limited per client address, idempotent (the first time
 * is kept), answered `204` with no body.
 */
import { Hono } from 'hono';
import type { SignerConfig } from '../config/load-config.ts';
import { HttpError } from '../errors.ts';
import { clientAddress } from '../http/client-address.ts';
import { createRateLimiter, enforceRateLimit } from '../http/rate-limit.ts';
import { setResponseHeader } from '../http/response-header.ts';
import type { SignerEnv } from '../log.ts';
import type { OrderStore } from '../store/order-store.ts';

/** What {@link orderSubmittedRoute} needs. */
export interface OrderSubmittedRouteDeps {
  config: Pick<SignerConfig, 'rateLimit' | 'trustedProxyHeader'>;
  store: Pick<OrderStore, 'recordReach'>;
  clock: () => Date;
}

const ORDER_ID = /^[A-Za-z0-9]{1,32}$/;

/**
 * The submit report route, to mount at `/api/orders` (beside the status route).
 * @example
 * app.route('/api/orders', orderSubmittedRoute({ config, store, clock }));
 * // POST /api/orders/E2024.../submitted → 204
 */
export function orderSubmittedRoute(deps: OrderSubmittedRouteDeps): Hono<SignerEnv> {
  const { config, store, clock } = deps;
  // One report per checkout, so the checkout limit fits: a client never needs more reports than orders it made.
  const limiter = createRateLimiter({
    limit: config.rateLimit.checkout,
    windowMs: config.rateLimit.windowMs,
    clock: () => clock().getTime(),
  });

  return new Hono<SignerEnv>().post('/:orderId/submitted', async (c) => {
    enforceRateLimit(limiter, clientAddress(c, config.trustedProxyHeader));
    const orderId = c.req.param('orderId');
    // The body (a beacon sends none) is never read: the order id in the path is the whole report.
    if (!ORDER_ID.test(orderId) || !(await store.recordReach(orderId, 'submitted', clock()))) {
      throw new HttpError('ORDER_NOT_FOUND', 'no such order');
    }
    setResponseHeader(c, 'Cache-Control', 'no-store');
    return c.body(null, 204);
  });
}
