/**
 * @module routes/health
 * `GET /healthz`: for the operator and the load balancer. 200 `ok` while the store answers a trivial query and the
 * widget bundle is there to serve; 503 `degraded` when the store does not answer (unreachable, closed, or refusing
 * writes after a failed sync) or `/pay-button.js` would answer 503 because the bundle is missing. Never cached.
 * It also lists each gateway account's health (gateways/health-tracker.ts), for the operator: an unhealthy gateway
 * is the provider's outage, not this instance's, so it leaves the status alone (a load balancer must not take
 * every signer out because a provider is down).
 */
import { Hono } from 'hono';
import { setResponseHeader } from '../http/response-header.ts';
import type { SignerEnv } from '../log.ts';
import type { GatewayAccount } from '../config/gateway-accounts.ts';
import type { GatewayHealth } from '../gateways/health-state.ts';
import type { OrderStore } from '../store/order-store.ts';
import type { WidgetAsset } from '../widget/widget-asset.ts';

/** What {@link healthRoute} needs. */
export interface HealthRouteDeps {
  store: Pick<OrderStore, 'ping'>;
  /** The bundle `/pay-button.js` serves now (null: missing). */
  widget: () => WidgetAsset | null;
  /** The gateway accounts and their health as this instance knows it. */
  gateways: {
    accounts: readonly Pick<GatewayAccount, 'id' | 'name'>[];
    health: { states(): GatewayHealth[] };
  };
}

/**
 * The health route, to mount at `/healthz`.
 * @example
 * app.route('/healthz', healthRoute({ store, widget: widgetLoader(DEFAULT_WIDGET_FILE) }));
 * // GET /healthz → 200 { status: 'ok', store: true, widget: '<version>', gateways: [{ id, name, healthy, ... }] }
 * //              | 503 { status: 'degraded', store: false, widget: null, gateways: [...] }
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
    const states = new Map(deps.gateways.health.states().map((h) => [h.gatewayId, h]));
    const gateways = deps.gateways.accounts.map((account) => {
      const health = states.get(account.id);
      return {
        id: account.id,
        name: account.name,
        healthy: health?.healthy ?? true,
        // When it entered this state; null: it never changed (healthy from the start).
        since: health?.changedAt?.toISOString() ?? null,
        checkedAt: health?.checkedAt?.toISOString() ?? null,
      };
    });
    setResponseHeader(c, 'Cache-Control', 'no-store');
    return c.json({ status: ok ? 'ok' : 'degraded', store: storeOk, widget, gateways }, ok ? 200 : 503);
  });
}
