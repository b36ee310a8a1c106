/**
 * @module routes/health
 * `GET /healthz`: for the operator and the load balancer. 200 `ok` while the store answers a trivial query and the
 * widget bundle is there to serve; 503 `degraded` when the store does not answer (unreachable, closed, or refusing
 * writes after a failed sync) or `/pay-button.js` would answer 503 because the bundle is missing. Never cached.
 */
import { Hono } from 'hono';
import { setResponseHeader } from '../http/response-header.ts';
import type { SignerEnv } from '../log.ts';
import type { OrderStore } from '../store/order-store.ts';
import type { WidgetAsset } from '../widget/widget-asset.ts';

/** What {@link healthRoute} needs. */
export interface HealthRouteDeps {
  store: Pick<OrderStore, 'ping'>;
  /** The bundle `/pay-button.js` serves now (null: missing). */
  widget: () => WidgetAsset | null;
}

/**
 * The health route, to mount at `/healthz`.
 * @example
 * app.route('/healthz', healthRoute({ store, widget: widgetLoader(DEFAULT_WIDGET_FILE) }));
 * // GET /healthz → 200 { status: 'ok', store: true, widget: '<version>' }
 * //              | 503 { status: 'degraded', store: false, widget: null }
 */
export function healthRoute(deps: HealthRouteDeps): Hono<SignerEnv> {
  return new Hono<SignerEnv>().get('/', async (c) => {
    const storeOk = await deps.store.ping();
    let widget: string | null;
    try {
      widget = deps.widget()?.version ?? null;
    } catch {
      // Unreadable (permissions, a directory): /pay-button.js cannot serve it either.
      widget = null;
    }
    const ok = storeOk && widget !== null;
    setResponseHeader(c, 'Cache-Control', 'no-store');
    return c.json({ status: ok ? 'ok' : 'degraded', store: storeOk, widget }, ok ? 200 : 503);
  });
}
