/**
 * @module metrics/signer-metrics.test
 * When the signer keeps metrics, what the backlog gauge reads, the paid counter in front of the merchant's hook,
 * and request timing on a tiny app.
 */
import { describe, expect, it } from 'vitest';
import { tinyApp } from '../../test/helpers/tiny-app.ts';
import type { AdminQueries } from '../admin/admin-queries.ts';
import type { OrderRecord } from '../store/order-store.ts';
import { countPaid, measureRequests, signerMetrics, type SignerMetricsDeps } from './signer-metrics.ts';

const NOW = new Date('2026-03-01T04:00:00.000Z');

function deps(overrides: Partial<SignerMetricsDeps['config']> = {}): SignerMetricsDeps {
  // Only the reads the gauges make: one due order of account b, 30 s late, and one of an account since removed.
  const queries = {
    queueDepth: async () => 2,
    dueOrders: async () => [
      { gatewayId: 'b', due: 1, oldestDueAt: new Date(NOW.getTime() - 30_000) },
      { gatewayId: 'gone', due: 4, oldestDueAt: NOW },
    ],
  } as unknown as AdminQueries;
  return {
    config: {
      adminToken: 'admin-token-0123456789abcdef',
      adminPort: null,
      gateways: [{ id: 'a' }, { id: 'b' }] as SignerMetricsDeps['config']['gateways'],
      ...overrides,
    },
    adminQueries: async () => queries,
    gateways: { health: { states: () => [] } } as unknown as SignerMetricsDeps['gateways'],
    clock: () => NOW,
  };
}

const sample = async (text: Promise<string>, name: string) =>
  (await text).split('\n').filter((line) => line.startsWith(name));

describe('signerMetrics', () => {
  it('keeps none without an admin token or an admin port', () => {
    expect(signerMetrics(deps({ adminToken: null, adminPort: null }))).toBeNull();
    expect(signerMetrics(deps({ adminToken: null, adminPort: 9100 }))).not.toBeNull();
  });

  it('reports the outbox queue and the due orders of every account, configured or still bound', async () => {
    const metrics = signerMetrics(deps())!;
    const text = metrics.registry.metrics();
    expect(await sample(text, 'jupay_webhook_queue_depth')).toEqual(['jupay_webhook_queue_depth 2']);
    const due = await sample(metrics.registry.metrics(), 'jupay_reconcile_due_orders{');
    expect(due.sort()).toEqual([
      'jupay_reconcile_due_orders{gateway="a"} 0',
      'jupay_reconcile_due_orders{gateway="b"} 1',
      'jupay_reconcile_due_orders{gateway="gone"} 4',
    ]);
    expect(
      await sample(metrics.registry.metrics(), 'jupay_reconcile_oldest_due_seconds{gateway="b"}'),
    ).toEqual(['jupay_reconcile_oldest_due_seconds{gateway="b"} 30']);
  });
});

describe('countPaid', () => {
  it("counts a paid order before the merchant's hook, or is the hook alone without metrics", async () => {
    const seen: string[] = [];
    const hook = (order: OrderRecord) => void seen.push(order.orderId);
    expect(countPaid(null, hook)).toBe(hook);
    const metrics = signerMetrics(deps())!;
    const counted = countPaid(metrics, hook)!;
    await counted({ orderId: 'E1', paidVia: 'notify', gatewayId: 'a' } as OrderRecord);
    expect(seen).toEqual(['E1']);
    expect(await sample(metrics.registry.metrics(), 'jupay_orders_paid_total{')).toEqual([
      'jupay_orders_paid_total{via="notify",gateway="a"} 1',
    ]);
  });
});

describe('measureRequests', () => {
  it('times each request by route label and status', async () => {
    const metrics = signerMetrics(deps())!;
    const { app } = tinyApp();
    app.use(measureRequests(metrics));
    app.get('/healthz', (c) => c.json({ ok: true }));
    await app.request('/healthz');
    await app.request('/wp-login.php');
    const counts = await sample(metrics.registry.metrics(), 'jupay_http_request_duration_seconds_count');
    expect(counts.sort()).toEqual([
      'jupay_http_request_duration_seconds_count{route="/healthz",status="200"} 1',
      'jupay_http_request_duration_seconds_count{route="other",status="404"} 1',
    ]);
  });
});
