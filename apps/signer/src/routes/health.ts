/**
 * @module routes/health
 * `GET /healthz`: for the operator and the load balancer. 200 `ok` while the store answers a trivial query, 503
 * `degraded` when it does not (unreachable, closed, or refusing writes after a failed sync), never cached.
 */
import { Hono } from 'hono';
import { setResponseHeader } from '../http/response-header.ts';
import type { SignerEnv } from '../log.ts';
import type { OrderStore } from '../store/order-store.ts';

/**
 * The health route, to mount at `/healthz`.
 * @example
 * app.route('/healthz', healthRoute({ store }));
 * // GET /healthz → 200 { status: 'ok', store: true } | 503 { status: 'degraded', store: false }
 */
export function healthRoute(deps: { store: Pick<OrderStore, 'ping'> }): Hono<SignerEnv> {
  return new Hono<SignerEnv>().get('/', async (c) => {
    const storeOk = await deps.store.ping();
    setResponseHeader(c, 'Cache-Control', 'no-store');
    return c.json({ status: storeOk ? 'ok' : 'degraded', store: storeOk }, storeOk ? 200 : 503);
  });
}
