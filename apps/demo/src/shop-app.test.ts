/**
 * @module shop-app.test
 * The shop server without a browser: the CSP on every response, the pages' markup, and the webhook receiver's
 * verification (signed with the signer's own `signWebhook`, so a change of scheme on either side shows here).
 */
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, createShopApp } from './shop-app.ts';
import { signWebhook } from '@jupay/signer';
import { createWebhookLog } from './webhook-log.ts';

const SIGNER = 'http://127.0.0.1:4200';
const GATEWAY = 'http://127.0.0.1:4100';
const SECRET = 'test-webhook-secret-0123456789';
const snippet = {
  src: `${SIGNER}/pay-button.js?v=0123456789abcdef`,
  version: '0123456789abcdef',
  integrity: 'sha384-abc',
  scriptTag: '',
};

function shop(built = true) {
  const webhooks = createWebhookLog();
  const app = createShopApp({
    signerUrl: SIGNER,
    gatewayUrl: GATEWAY,
    snippet: () => (built ? snippet : null),
    webhookSecret: SECRET,
    webhooks,
  });
  return { app, webhooks };
}

const event = (id: string, orderId: string) =>
  JSON.stringify({
    id,
    type: 'order.paid',
    createdAt: '2026-01-01T00:00:00.000Z',
    data: {
      orderId,
      amountFen: 1234,
      amount: '12.34',
      bankCode: '903',
      transactionId: 'T1',
      paidAt: '2026-01-01T00:00:00.000Z',
      paidVia: 'notify',
    },
  });

describe('Content-Security-Policy', () => {
  it('is the strict policy, on pages, assets, the webhook and 404s alike', async () => {
    const policy = contentSecurityPolicy(`${SIGNER}/`, `${GATEWAY}/Pay_Index.html`);
    expect(policy).toBe(
      `default-src 'self'; script-src 'self' ${SIGNER}; connect-src ${SIGNER}; style-src 'self'; img-src 'self' data:; form-action ${GATEWAY}; base-uri 'none'; frame-ancestors 'none'`,
    );
    const { app } = shop();
    for (const path of [
      '/',
      '/?lang=en',
      '/return?orderId=A1',
      '/events',
      '/assets/shop.css',
      '/webhook',
      '/nope',
    ]) {
      expect((await app.request(path)).headers.get('content-security-policy'), path).toBe(policy);
    }
  });
});

describe('pages', () => {
  it('carries the pinned script and one <pay-button>, no inline script or style, in zh-CN by default', async () => {
    const html = await (await shop().app.request('/')).text();
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain(
      `<script type="module" src="${snippet.src}" integrity="sha384-abc" crossorigin="anonymous"></script>`,
    );
    expect(html.match(/<pay-button /g)).toHaveLength(1);
    // The light theme, chosen for the light shop page (whatever the visitor's OS prefers).
    expect(html).toContain(`<pay-button theme="light" signer="${SIGNER}"`);
    expect(html).not.toMatch(/<style|\sstyle=|<script(?![^>]*\bsrc=)/);
    expect(html).toContain('href="/?lang=en"');
  });

  it('switches to English and back, keeping the order id on the return page', async () => {
    const { app } = shop();
    const en = await (await app.request('/return?orderId=Abc123&lang=en')).text();
    expect(en).toContain('<html lang="en">');
    expect(en).toContain('order-id-param="orderId"');
    // Back to the English shop, from the element's "pay again" and from the page's own link.
    expect(en).toContain('shop-url="/?lang=en"');
    // One message on the page about the order: the element's (no intro that could contradict it).
    expect(en).not.toMatch(/confirming|waiting/i);
    expect(en).toContain('href="/return?orderId=Abc123"'); // the switch back to Chinese
    const zh = await (await app.request('/return?orderId=Abc123')).text();
    expect(zh).toContain('href="/return?orderId=Abc123&amp;lang=en"');
  });

  it('does not reflect an order id that is not one, and says how to build a missing widget', async () => {
    const html = await (await shop(false).app.request('/return?orderId=%3Cscript%3E')).text();
    expect(html).not.toContain('<script>');
    // The element reads the id from the URL itself (and answers "order not found"); the page never echoes it.
    expect(html).toContain('order-id-param="orderId"');
    expect(html).not.toContain('%3Cscript%3E');
    const page = await (await shop(false).app.request('/')).text();
    expect(page).toContain('pnpm --filter @jupay/pay-button build');
    expect(page).not.toContain('<script');
  });

  it('serves its assets with their types and 404s unknown ones', async () => {
    const { app } = shop();
    expect((await app.request('/assets/shop.css')).headers.get('content-type')).toBe(
      'text/css; charset=utf-8',
    );
    expect((await app.request('/assets/logo.svg')).headers.get('content-type')).toBe('image/svg+xml');
    expect((await app.request('/assets/..%2Fpackage.json')).status).toBe(404);
  });
});

describe('POST /webhook', () => {
  it('records a verified event, flags a repeated event id as a duplicate, and lists them', async () => {
    const { app, webhooks } = shop();
    const body = event('ev1', 'A1');
    const send = () =>
      app.request('/webhook', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Jupay-Signature': signWebhook(body, SECRET) },
        body,
      });
    expect(await (await send()).json()).toEqual({ received: true, duplicate: false });
    expect(await (await send()).json()).toEqual({ received: true, duplicate: true });
    expect(webhooks.events('A1').map((e) => e.duplicate)).toEqual([false, true]);
    const listed = (await (await app.request('/webhook')).json()) as { events: unknown[] };
    expect(listed.events).toHaveLength(2);
  });

  it('refuses a wrong secret, a changed body and a missing header with 400, recording nothing', async () => {
    const { app, webhooks } = shop();
    const body = event('ev2', 'A2');
    const attempts: [string, Record<string, string>][] = [
      [body, { 'Jupay-Signature': signWebhook(body, 'another-secret-0123456789') }],
      [body.replace('12.34', '99.99'), { 'Jupay-Signature': signWebhook(body, SECRET) }],
      [body, {}],
    ];
    for (const [sent, headers] of attempts) {
      const res = await app.request('/webhook', { method: 'POST', headers, body: sent });
      expect(res.status).toBe(400);
    }
    expect(webhooks.events()).toHaveLength(0);
    expect(webhooks.refused().map((r) => r.code)).toEqual([
      'BAD_SIGNATURE',
      'BAD_SIGNATURE',
      'MISSING_SIGNATURE',
    ]);
  });
});
