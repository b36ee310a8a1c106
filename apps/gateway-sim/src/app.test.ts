/**
 * @module app.test
 * The browser side (cashier, pay, cancel, page return) and the admin API, over real HTTP.
 */
import { parseNotification } from '@jupay/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BEHAVIOUR } from './faults.ts';
import { DEMO_MERCHANT } from './merchants.ts';
import { AUTO_SUBMIT_PATH } from './pages.ts';
import { paymentFields, postForm, startMerchant, useSimAndMerchant } from '../test/helpers/fixtures.ts';

const credentials = { memberId: DEMO_MERCHANT.memberId, key: DEMO_MERCHANT.key };
const t = useSimAndMerchant();

async function cashier(overrides: Record<string, string>): Promise<string> {
  const fields = paymentFields({ pay_notifyurl: t.merchant.url, ...overrides });
  const response = await postForm(`${t.sim.running.url}/Pay_Index.html`, fields);
  expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  return response.text();
}

function formAction(html: string, label: string): string {
  const match = new RegExp(`<form method="post" action="([^"]+)"><button[^>]*>${label}`).exec(html);
  expect(match, `a form with a ${label} button`).not.toBeNull();
  return match![1]!;
}

describe('cashier page', () => {
  it('shows merchant, order id, amount as signed, method, a QR placeholder and two plain forms', async () => {
    const html = await cashier({ pay_orderid: 'C1', pay_amount: '12.3', pay_bankcode: '902' });
    expect(html).toContain('收银台 <span class="en">Checkout</span>');
    expect(html).toContain('jupay demo merchant (10002)');
    expect(html).toContain('<dd id="order-id">C1</dd>');
    expect(html).toContain('¥12.3<'); // exactly as signed, not reformatted
    expect(html).toContain('微信扫码支付 <span class="en">WeChat Pay QR code</span>');
    expect(html).toMatch(/<svg class="qr"[^>]*role="img"/);
    expect(html).not.toContain('<script');
    const tx = t.sim.controls.order('C1')!.transactionId;
    expect(formAction(html, '确认支付')).toBe(`/__sim/cashier/${tx}/pay`);
    expect(formAction(html, '取消支付')).toBe(`/__sim/cashier/${tx}/cancel`);
  });

  it('shows stored values escaped, never as markup', async () => {
    const html = await cashier({
      pay_orderid: 'C2',
      pay_productname: `<img src=x onerror=alert(1)>"Tea" & 'cake'`,
    });
    expect(html).toContain('<dd>&quot;Tea&quot; &amp; &#039;cake&#039;</dd>');
    expect(html).not.toContain('<img');
  });

  it('can be shown again with GET', async () => {
    await cashier({ pay_orderid: 'C3' });
    const tx = t.sim.controls.order('C3')!.transactionId;
    const html = await (await fetch(`${t.sim.running.url}/__sim/cashier/${tx}`)).text();
    expect(html).toContain('<dd id="order-id">C3</dd>');
    expect((await fetch(`${t.sim.running.url}/__sim/cashier/123`)).status).toBe(404);
  });
});

describe('pay from the browser', () => {
  it('notifies, then returns an auto-submitted form to pay_callbackurl with the signed fields', async () => {
    const html = await cashier({
      pay_orderid: 'P1',
      pay_amount: '12.34',
      pay_callbackurl: 'https://shop.example/return',
      pay_attach: 'a b',
    });
    const response = await fetch(t.sim.running.url + formAction(html, '确认支付'), { method: 'POST' });
    const page = await response.text();
    // The notification was delivered before the payer is sent back.
    expect(t.merchant.received).toHaveLength(1);
    expect(page).toContain('<form id="jupay-return" method="post" action="https://shop.example/return">');
    expect(page).toContain(`<script src="${AUTO_SUBMIT_PATH}"></script>`);
    expect(page).not.toMatch(/<script>(?!<\/script>)/); // no inline script
    expect(page).toMatch(/<button type="submit"[^>]*>返回商户/); // the no-JS fallback
    const fields = Object.fromEntries(
      [...page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!]),
    );
    expect(Object.keys(fields)).toEqual([
      'memberid',
      'orderid',
      'transaction_id',
      'amount',
      'datetime',
      'returncode',
      'sign',
      'attach',
    ]);
    expect(fields).toMatchObject({ orderid: 'P1', amount: '12.3400', returncode: '00', attach: 'a b' });
    expect(parseNotification(fields, credentials).amountFen).toBe(1234);
    expect(t.sim.controls.order('P1')).toMatchObject({ status: 'SUCCESS', notified: true });
  });

  it('a javascript: callback URL gets no form', async () => {
    const html = await cashier({ pay_orderid: 'P3', pay_callbackurl: 'javascript:alert(1)' });
    const response = await fetch(t.sim.running.url + formAction(html, '确认支付'), { method: 'POST' });
    const page = await response.text();
    expect(page).toContain('支付成功');
    expect(page).not.toContain('javascript:');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('without a callback URL, a plain "paid" page', async () => {
    const html = await cashier({ pay_orderid: 'P2', pay_callbackurl: '' });
    const page = await (
      await fetch(t.sim.running.url + formAction(html, '确认支付'), { method: 'POST' })
    ).text();
    expect(page).toContain('支付成功');
    expect(page).not.toContain('<form');
  });

  it('serves the auto-submit script as an external file', async () => {
    const response = await fetch(`${t.sim.running.url}${AUTO_SUBMIT_PATH}`);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await response.text()).toContain("getElementById('jupay-return')");
  });
});

describe('cancel', () => {
  it('goes to pay_producturl when given; the order stays unpaid and nothing is notified', async () => {
    const html = await cashier({ pay_orderid: 'X1', pay_producturl: 'https://shop.example/cart?id=1&x=2' });
    const response = await fetch(t.sim.running.url + formAction(html, '取消支付'), {
      method: 'POST',
      redirect: 'manual',
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('https://shop.example/cart?id=1&x=2');
    expect(t.sim.controls.order('X1')).toMatchObject({ status: 'NOTPAY', paidAt: null });
    expect(t.sim.controls.order('X1')!.cancelledAt).toBeInstanceOf(Date);
    expect(t.merchant.received).toHaveLength(0);
  });

  it('shows a plain "payment cancelled" page otherwise', async () => {
    const html = await cashier({ pay_orderid: 'X2' });
    const response = await fetch(t.sim.running.url + formAction(html, '取消支付'), { method: 'POST' });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('支付已取消 <span class="en">Payment cancelled</span>');
  });
});

describe('routes', () => {
  it('the gateway serves only its two deployed paths; everything the simulator adds is under /__sim/', () => {
    const paths = new Set(t.sim.app.routes.filter((r) => r.method !== 'ALL').map((r) => r.path));
    const own = [...paths].filter((path) => !path.startsWith('/__sim/'));
    expect(own.sort()).toEqual(['/Pay_Index.html', '/Pay_Trade_query.html']);
    // Real gateway routes are `Pay_*.html` (ThinkPHP module_action.html); no such name starts with "__".
    for (const path of paths) if (path.startsWith('/__sim/')) expect(path).not.toMatch(/\.html$/);
  });
});

describe('admin API', () => {
  const admin = (path: string, init?: RequestInit) => fetch(`${t.sim.running.url}/__sim${path}`, init);

  it('pays without a browser, exactly like the pay button', async () => {
    await cashier({ pay_orderid: 'A1', pay_callbackurl: 'https://shop.example/return' });
    const response = await admin('/orders/A1/pay?wait=1', { method: 'POST' });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      order: { status: string; paidAt: string };
      callback: { url: string; fields: Record<string, string> };
      notifications: { received: boolean }[];
    };
    expect(body.order.status).toBe('SUCCESS');
    expect(Date.parse(body.order.paidAt)).toBeGreaterThan(Date.now() - 5000);
    expect(body.callback.url).toBe('https://shop.example/return');
    expect(body.callback.fields.orderid).toBe('A1');
    expect(body.notifications).toEqual([expect.objectContaining({ received: true })]);
    expect(t.merchant.received).toHaveLength(1);
  });

  it('lists and shows orders, by merchant order id or gateway number', async () => {
    await cashier({ pay_orderid: 'A2' });
    const list = (await (await admin('/orders')).json()) as { orderId: string; transactionId: string }[];
    expect(list.map((o) => o.orderId)).toEqual(['A2']);
    const byTx = (await (await admin(`/orders/${list[0]!.transactionId}`)).json()) as { orderId: string };
    expect(byTx.orderId).toBe('A2');
    const byId = (await (await admin('/orders/A2?memberId=10002')).json()) as {
      status: string;
      amount: string;
    };
    expect(byId).toMatchObject({ status: 'NOTPAY', amount: '12.34' });
    const missing = await admin('/orders/NOPE');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });

  it('re-sends, cancels, lists merchants without keys, and resets', async () => {
    await cashier({ pay_orderid: 'A3' });
    expect((await admin('/orders/A3/notify', { method: 'POST' })).status).toBe(400);
    await t.sim.controls.pay('A3');
    const resent = (await (await admin('/orders/A3/notify', { method: 'POST' })).json()) as {
      notifications: { kind: string }[];
    };
    expect(resent.notifications.map((n) => n.kind)).toEqual(['manual']);
    expect(t.merchant.received).toHaveLength(2);
    const merchants = await (await admin('/merchants')).json();
    expect(merchants).toEqual([{ memberId: '10002', name: 'jupay demo merchant' }]);
    expect(JSON.stringify(merchants)).not.toContain(DEMO_MERCHANT.key);
    await cashier({ pay_orderid: 'A4' });
    const cancelled = (await (await admin('/orders/A4/cancel', { method: 'POST' })).json()) as {
      cancelledAt: string;
    };
    expect(cancelled.cancelledAt).not.toBeNull();
    expect((await admin('/reset', { method: 'POST' })).status).toBe(200);
    expect(t.sim.controls.orders()).toEqual([]);
    expect(t.sim.controls.notifications()).toEqual([]);
    // After a reset the same order id can be used again.
    await cashier({ pay_orderid: 'A3' });
  });

  it('reset stops pending re-sends', async () => {
    const failing = await startMerchant(() => ({ body: 'FAIL' }));
    try {
      t.sim.controls.setFaults({ resendIntervalMs: 100 });
      await cashier({ pay_orderid: 'A5', pay_notifyurl: failing.url });
      await t.sim.controls.pay('A5');
      t.sim.controls.reset();
      await new Promise((r) => setTimeout(r, 300));
      expect(failing.received).toHaveLength(1);
      expect(t.sim.controls.notifications()).toEqual([]);
    } finally {
      await failing.close();
    }
  });
});

describe('start()', () => {
  it('listens on 127.0.0.1 on a free port and closes', async () => {
    expect(t.sim.running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const other = await t.sim.start();
    expect(other.port).not.toBe(t.sim.running.port);
    await other.close();
    await expect(fetch(`${other.url}/Pay_Index.html`)).rejects.toThrow();
  });

  it.each([4, -1, 1.5])('refuses resendCount %j (0 to 3)', async (resendCount) => {
    const { createGatewaySim } = await import('./app.ts');
    expect(() => createGatewaySim({ resendCount })).toThrow(
      /^options\.resendCount must be an integer from 0 to 3$/,
    );
    expect(createGatewaySim({ resendCount: 3 }).controls.behaviour('10002', 'E1').resendCount).toBe(3);
    expect(createGatewaySim({ resendCount: 0 }).controls.behaviour('10002', 'E1').resendCount).toBe(0);
  });

  it('re-sends every 10 s (the document) unless told another interval', async () => {
    const { createGatewaySim } = await import('./app.ts');
    expect(createGatewaySim().controls.behaviour('10002', 'E1').resendIntervalMs).toBe(10_000);
    expect(DEFAULT_BEHAVIOUR.resendIntervalMs).toBe(10_000);
    expect(
      createGatewaySim({ resendIntervalMs: 50 }).controls.behaviour('10002', 'E1').resendIntervalMs,
    ).toBe(50);
  });

  it('refuses invalid merchants', async () => {
    const { createGatewaySim } = await import('./app.ts');
    expect(() => createGatewaySim({ merchants: [{ memberId: '9999', key: 'k' }] })).toThrow(/above 10000/);
    expect(() => createGatewaySim({ merchants: [{ memberId: '10002', key: '' }] })).toThrow(/key/);
  });
});
