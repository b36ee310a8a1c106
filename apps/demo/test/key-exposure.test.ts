/**
 * @module test/key-exposure.test
 * The merchant key stays on the signer: not in the widget bundle the browser downloads, not in any page, config,
 * checkout answer, order status, cashier or page-return answer a browser can reach, across a whole paid order.
 */
import { DEMO_MERCHANT } from '@jupay/gateway-sim';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWidgetBuilt, widgetBuildReason } from '../src/build-widget.ts';
import { startDemo, type RunningDemo } from '../src/demo.ts';

let demo: RunningDemo;
let dataDir: string;

beforeAll(async () => {
  if (widgetBuildReason() !== null) await ensureWidgetBuilt();
  dataDir = mkdtempSync(join(tmpdir(), 'jupay-key-exposure-'));
  demo = await startDemo({ ports: { gateway: 0, signer: 0, demo: 0 }, dataDir, logLevel: 'silent' });
});
afterAll(async () => {
  await demo?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the merchant key', () => {
  it('appears in nothing a browser can fetch', async () => {
    const key = DEMO_MERCHANT.key;
    const origin = demo.urls.shop.replace(/\/$/, '');
    const checkout = await fetch(`${demo.urls.signer}/api/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify({ bankCode: '903', amount: '12.34' }),
    });
    expect(checkout.status).toBe(201);
    const checkoutText = await checkout.text();
    const { orderId, action, fields } = JSON.parse(checkoutText) as {
      orderId: string;
      action: string;
      fields: Record<string, string>;
    };
    // What the browser does next: post the signed form to the gateway (the simulator only knows the order then).
    const cashier = await fetch(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
    const cashierText = await cashier.text();
    expect(cashierText).toContain(orderId);
    const { callback } = await demo.sim.pay(orderId);
    // The page return the gateway's form makes the browser post to the signer: a redirect to the return page.
    const back = await fetch(callback!.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(callback!.fields).toString(),
      redirect: 'manual',
    });
    expect(back.headers.get('location')).toBe(`${demo.urls.returnPage}?orderId=${orderId}`);

    const bodies: Record<string, string> = {
      checkout: checkoutText,
      cashier: cashierText,
      pageReturn: `${[...back.headers].join('\n')}\n${await back.text()}`,
    };
    const urls = {
      bundle: `${demo.urls.signer}/pay-button.js`,
      config: `${demo.urls.signer}/api/config`,
      status: `${demo.urls.signer}/api/orders/${orderId}`,
      health: `${demo.urls.signer}/healthz`,
      shop: demo.urls.shop,
      returnPage: `${demo.urls.returnPage}?orderId=${orderId}`,
      webhooks: demo.urls.webhook,
      eventsPage: `${demo.urls.shop}events`,
    };
    for (const [name, url] of Object.entries(urls)) {
      const response = await fetch(url, { headers: { origin } });
      bodies[name] = `${[...response.headers].join('\n')}\n${await response.text()}`;
    }
    // The bundle is real (the test would pass trivially on an error page otherwise).
    expect(bodies.bundle).toContain('customElements');
    expect(bodies.status).toContain('"status":"PAID"');
    expect(bodies.config).toContain('903');
    expect(bodies.shop).toContain('<pay-button');
    for (const [name, body] of Object.entries(bodies)) {
      expect(body.includes(key), `${name} contains the key`).toBe(false);
    }
  });
});
