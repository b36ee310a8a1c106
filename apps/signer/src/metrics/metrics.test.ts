/** @module metrics/metrics.test — the route label's fixed set, and the registry's own exposition. */
import { describe, expect, it } from 'vitest';
import { createMetrics, routeLabel } from './metrics.ts';

describe('routeLabel', () => {
  it('maps every path to one of a fixed set of labels, never an order id or a junk path', () => {
    expect(
      [
        '/api/config',
        '/api/checkout',
        '/api/notify',
        '/api/return',
        '/api/return/en',
        '/api/orders/E20240301120000654321',
        '/api/orders/E20240301120000654321/submitted',
        '/pay-button.js',
        '/healthz',
        '/metrics',
        '/admin',
        '/admin/orders/E1',
        '/wp-login.php',
        '/api/orders',
        '/administrator',
      ].map(routeLabel),
    ).toEqual([
      '/api/config',
      '/api/checkout',
      '/api/notify',
      '/api/return',
      '/api/return',
      '/api/orders/:orderId',
      '/api/orders/:orderId/submitted',
      '/pay-button.js',
      '/healthz',
      '/metrics',
      '/admin',
      '/admin',
      'other',
      'other',
      'other',
    ]);
  });
});

describe('createMetrics', () => {
  it("reports each gateway account's health as this instance knows it, at every scrape", async () => {
    let states = [
      { gatewayId: 'a', healthy: true },
      { gatewayId: 'b', healthy: false },
    ];
    const metrics = createMetrics({ processMetrics: false, gatewayHealth: () => states });
    const first = await metrics.registry.metrics();
    expect(first).toContain('jupay_gateway_healthy{gateway="a"} 1');
    expect(first).toContain('jupay_gateway_healthy{gateway="b"} 0');
    states = [
      { gatewayId: 'a', healthy: true },
      { gatewayId: 'b', healthy: true },
    ];
    expect(await metrics.registry.metrics()).toContain('jupay_gateway_healthy{gateway="b"} 1');
  });

  it('keeps one registry per signer, without process metrics when asked', async () => {
    const a = createMetrics({ processMetrics: false });
    const b = createMetrics({ processMetrics: false });
    a.httpRequest('/healthz', 200, 0.002);
    a.httpRequest('/healthz', 200, 0.004);
    a.orderPaid({ paidVia: 'query', gatewayId: 'b' });
    a.checkout('created', 'a');
    a.checkout('replayed', 'a');
    const text = await a.registry.metrics();
    expect(text).toContain('jupay_http_request_duration_seconds_count{route="/healthz",status="200"} 2');
    expect(text).toContain(
      'jupay_http_request_duration_seconds_bucket{le="0.0025",route="/healthz",status="200"} 1',
    );
    expect(text).toContain('jupay_orders_paid_total{via="query",gateway="b"} 1');
    expect(text).toContain('jupay_checkouts_total{result="created",gateway="a"} 1');
    expect(text).toContain('jupay_checkouts_total{result="replayed",gateway="a"} 1');
    expect(text).not.toContain('process_cpu');
    expect(await b.registry.metrics()).not.toContain('route="/healthz"');
  });
});
