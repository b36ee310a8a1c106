/**
 * @module metrics/signer-metrics
 * The signer's metrics, wired to what they read (the outbox queue, the due orders per gateway, the gateways'
 * health). Kept only where they can be read: with an admin token (`/metrics` on the signer's port) or an admin
 * port; otherwise there are none and nothing is counted.
 */
import type { MiddlewareHandler } from 'hono';
import type { AdminQueries } from '../admin/admin-queries.ts';
import type { SignerConfig } from '../config/load-config.ts';
import type { Gateways } from '../gateways/gateways.ts';
import type { OrderRecord } from '../store/order-store.ts';
import { createMetrics, routeLabel, type DueBacklog, type SignerMetrics } from './metrics.ts';

/** What {@link signerMetrics} reads. */
export interface SignerMetricsDeps {
  config: Pick<SignerConfig, 'adminToken' | 'adminPort' | 'gateways'>;
  /** The store's operator queries (null on a store without them). */
  adminQueries: () => Promise<AdminQueries | null>;
  gateways: Pick<Gateways, 'health'>;
  clock: () => Date;
}

/**
 * The signer's metrics, or null when neither `JUPAY_ADMIN_TOKEN` nor `JUPAY_ADMIN_PORT` is set.
 * @example
 * const metrics = signerMetrics({ config, adminQueries, gateways, clock });
 * if (metrics) app.use(measureRequests(metrics));
 */
export function signerMetrics(deps: SignerMetricsDeps): SignerMetrics | null {
  const { config, adminQueries, gateways, clock } = deps;
  if (!config.adminToken && config.adminPort == null) return null;
  return createMetrics({
    queueDepth: async () => (await adminQueries())?.queueDepth() ?? 0,
    dueBacklog: async () => dueBacklog(deps, await adminQueries(), clock()),
    gatewayHealth: () => gateways.health.states(),
  });
}

/** Every configured account (0 when it has none due), and any other account orders are still bound to. */
async function dueBacklog(
  deps: SignerMetricsDeps,
  queries: AdminQueries | null,
  at: Date,
): Promise<DueBacklog[]> {
  if (!queries) return [];
  const backlog = new Map((await queries.dueOrders(at)).map((d) => [d.gatewayId, d]));
  const ids = [...new Set([...deps.config.gateways.map((a) => a.id), ...backlog.keys()])];
  return ids.map((gatewayId) => {
    const oldestDueAt = backlog.get(gatewayId)?.oldestDueAt ?? null;
    return {
      gatewayId,
      due: backlog.get(gatewayId)?.due ?? 0,
      oldestDueSeconds: oldestDueAt ? (at.getTime() - oldestDueAt.getTime()) / 1000 : 0,
    };
  });
}

/**
 * Middleware: each request's duration by route and status.
 * @example
 * app.use(measureRequests(metrics));
 */
export function measureRequests(metrics: SignerMetrics): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    metrics.httpRequest(routeLabel(c.req.path), c.res.status, (performance.now() - started) / 1000);
  };
}

/**
 * The merchant's `onPaid` hook with the paid-orders counter in front of it (or the hook alone without metrics).
 * @example
 * const onPaid = countPaid(metrics, deps.onPaid);
 */
export function countPaid(
  metrics: SignerMetrics | null,
  onPaid: ((order: OrderRecord) => void | Promise<void>) | undefined,
): ((order: OrderRecord) => void | Promise<void>) | undefined {
  if (!metrics) return onPaid;
  return (order) => {
    metrics.orderPaid(order);
    return onPaid?.(order);
  };
}
