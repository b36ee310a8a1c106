/**
 * @module console.e2e.test
 * The operator console in Debian's Chromium (playwright-core), against a real signer process's HTTP listener, the
 * gateway simulator and a verifying webhook receiver: sign-in refused without the token and with a wrong one; an
 * action without its CSRF token (or from another origin, or with another session's token) refused; filters,
 * pagination, totals per day, an order's notifications and request; "send again" delivering a webhook that
 * verifies; "ask the gateway now" paying an order whose notification the simulator dropped; the gateway page (the
 * query rate cap, the due orders, this instance's queries) and an order's reach (form submission reported, query
 * budget); the CSV export; and the key, the webhook secret and the admin token in no page, header or export. Screenshots (zh-CN and English,
 * light and dark, desktop and 375 px) go to apps/signer/artifacts/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeForm } from '@jupay/core';
import { createGatewaySim, type GatewaySim, type RunningGatewaySim } from '@jupay/gateway-sim';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load-config.ts';
import { startServer, type RunningSigner } from '../src/server.ts';
import { verifyWebhook } from '@jupay/webhook';
import { freePort } from './helpers/free-port.ts';
import { captureText } from './helpers/leak-log.ts';
import { notificationBody } from './helpers/notifications.ts';
import { baseEnv } from './helpers/signer-harness.ts';
import { DEMO } from './helpers/sim-orders.ts';
import { startWebhookReceiver } from './helpers/webhook-receiver.ts';

const TOKEN = 'adm1n-t0ken-for-tests-0123456789';
const SECRET = 'whsec_fulfilment_0123456789';
const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

let dir: string;
let sim: GatewaySim;
let gateway: RunningGatewaySim;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let receiverAccepts = false;
let signer: RunningSigner;
let base: string;
let browser: Browser;
/** Everything the console sent any browser or client in this file, for the secret scan at the end. */
const seen: string[] = [];
const orders = { paid: '', dropped: '', tampered: '' };

async function checkoutAndPay(amount: string, widget = false): Promise<string> {
  const answer = await fetch(`${base}/api/checkout`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ bankCode: '903', amount, ...(widget ? { beacon: '1' } : {}) }),
  });
  const order = (await answer.json()) as { orderId: string; action: string; fields: Record<string, string> };
  // As <pay-button> does just before it posts the form.
  if (widget) {
    const report = await fetch(`${base}/api/orders/${order.orderId}/submitted`, { method: 'POST' });
    expect(report.status).toBe(204);
  }
  const cashier = await fetch(order.action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: encodeForm(order.fields),
  });
  expect(cashier.status).toBe(200);
  await (
    await sim.controls.pay(order.orderId)
  ).delivery;
  return order.orderId;
}

/** A browser context whose every response (headers and body) is kept for the secret scan. */
async function context(
  options: { locale?: string; dark?: boolean; width?: number } = {},
): Promise<BrowserContext> {
  const ctx = await browser.newContext({
    locale: options.locale ?? 'zh-CN',
    colorScheme: options.dark ? 'dark' : 'light',
    viewport: { width: options.width ?? 1280, height: 860 },
    acceptDownloads: true,
  });
  ctx.on('response', (response) => {
    void response
      .text()
      .catch(() => '')
      .then((body) => {
        const text = `${JSON.stringify(response.headers())}\n${body}`;
        seen.push(text);
        captureText(`console ${response.url()}`, text);
      });
  });
  return ctx;
}

async function signIn(page: Page, token = TOKEN): Promise<void> {
  await page.goto(`${base}/admin/login`);
  await page.locator('input[name="token"]').fill(token);
  const answered = page.waitForResponse((r) => r.request().method() === 'POST');
  await page.locator('form.login button[type="submit"]').click();
  await answered;
  // Signed in: the answer is a redirect to the orders; refused: the sign-in page again.
  if (token === TOKEN) await page.waitForURL(`${base}/admin/orders`);
  else await page.waitForLoadState();
}

/** The session cookie among a context's cookies. */
async function sessionCookies(ctx: BrowserContext) {
  return (await ctx.cookies()).filter((cookie) => cookie.name === 'jupay_admin');
}

/** How many CSS pixels the page is wider than the window (0 or less: nothing but scrolling boxes overflows). */
function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => {
    const w = globalThis as unknown as {
      innerWidth: number;
      document: { documentElement: { scrollWidth: number } };
    };
    return w.document.documentElement.scrollWidth - w.innerWidth;
  });
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `console-${name}.png`), fullPage: true });
}

/** An action POSTed outside the page's own form, with this context's cookies. */
async function post(ctx: BrowserContext, path: string, form: Record<string, string>, origin = base) {
  const response = await ctx.request.post(`${base}${path}`, { form, headers: { origin }, maxRedirects: 0 });
  const text = await response.text();
  seen.push(text);
  captureText(`console POST ${path}`, text);
  return response;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jupay-console-'));
  mkdirSync(ARTIFACTS, { recursive: true });
  sim = createGatewaySim({ resendCount: 0 });
  gateway = await sim.start({ port: 0, hostname: '127.0.0.1' });
  receiver = await startWebhookReceiver(SECRET, () => (receiverAccepts ? 204 : 500));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  signer = await startServer(
    loadConfig(
      baseEnv({
        JUPAY_GATEWAY_URL: `${gateway.url}/Pay_Index.html`,
        JUPAY_PUBLIC_URL: base,
        PORT: String(port),
        JUPAY_STORE: join(dir, 'signer.db'),
        JUPAY_ADMIN_TOKEN: TOKEN,
        JUPAY_WEBHOOK_URL: receiver.url,
        JUPAY_WEBHOOK_SECRET: SECRET,
        // Only the console's "send again" delivers after the first refusal; only its "ask" finds a dropped payment.
        JUPAY_WEBHOOK_RETRY: '1h',
        JUPAY_RECONCILE_SCHEDULE: 'off',
        JUPAY_RATE_LIMIT_CHECKOUT: '0',
        JUPAY_LOG_LEVEL: 'silent',
      }),
    ),
  );

  // Paid by its notification; its webhook is refused (500) and stays failing.
  orders.paid = await checkoutAndPay('12.30');
  // A forged notification claiming it: unverified, kept apart.
  const forged = await fetch(`${base}/api/notify`, {
    method: 'POST',
    body: notificationBody({ orderid: orders.paid, amount: '12.3000' }, 'not-the-right-key-0123'),
  });
  expect(forged.status).toBe(400);
  // Paid at the gateway, its notification dropped: unpaid here until someone asks.
  sim.controls.setFaults({ dropNotification: true });
  orders.dropped = await checkoutAndPay('8.80', true);
  sim.controls.clearFaults();
  // A correctly signed notification with another amount: an anomaly, never paid.
  sim.controls.setFaults({ tamperAmount: true });
  orders.tampered = await checkoutAndPay('5.00');
  sim.controls.clearFaults();
  // Enough unpaid orders for a second page (50 a page), at 0.01 to 0.55.
  for (let i = 1; i <= 55; i += 1) {
    const answer = await fetch(`${base}/api/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ bankCode: '902', amount: (i / 100).toFixed(2) }),
    });
    expect(answer.status).toBe(201);
  }
  // Two orders of an earlier day (China time), written as checkout writes them.
  for (const [orderId, createdAt, amountFen] of [
    ['H0000000000000000001', '2024-03-01T02:00:00Z', 6800],
    ['H0000000000000000002', '2024-03-01T15:59:00Z', 3000],
  ] as const) {
    await signer.signer.store.createOrder({
      orderId,
      memberId: DEMO.memberId,
      amountFen,
      bankCode: '903',
      productName: '=HYPERLINK("x")',
      attach: null,
      createdAt: new Date(createdAt),
      nextQueryAt: null,
      requestFields: { pay_orderid: orderId },
    });
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await signer?.close();
  await receiver?.close();
  await gateway?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('signing in', () => {
  it('sends a visitor without a session to the sign-in page, and refuses a wrong token', async () => {
    const ctx = await context({ locale: 'en-US' });
    const page = await ctx.newPage();
    await page.goto(`${base}/admin/orders`);
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    await screenshot(page, 'login-en');
    await signIn(page, `${TOKEN}-wrong`);
    await expect
      .poll(() => page.locator('[role="alert"]').textContent())
      .toBe('That is not the admin token.');
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    expect(await sessionCookies(ctx)).toEqual([]);
    // No token at all (the form's required field bypassed).
    const none = await post(ctx, '/admin/login', {});
    expect(none.status()).toBe(401);
    // And the pages stay closed.
    const orders = await ctx.request.get(`${base}/admin/orders`, { maxRedirects: 0 });
    expect(orders.status()).toBe(303);
    expect(orders.headers().location).toBe('/admin/login');
    await ctx.close();
  });

  it('signs in with the token: an HttpOnly, SameSite=Strict session cookie, a strict CSP, no caching', async () => {
    const ctx = await context();
    const page = await ctx.newPage();
    const response = page.waitForResponse((r) => r.url() === `${base}/admin/orders`);
    await signIn(page);
    const headers = (await response).headers();
    expect(new URL(page.url()).pathname).toBe('/admin/orders');
    const [cookie] = await sessionCookies(ctx);
    expect(cookie).toMatchObject({ name: 'jupay_admin', path: '/admin', httpOnly: true, sameSite: 'Strict' });
    expect(cookie!.value).not.toContain(TOKEN);
    expect(headers['content-security-policy']).toBe(
      "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    expect(headers['cache-control']).toBe('no-store');
    expect(headers['x-frame-options']).toBe('DENY');
    // The console's own page runs under that CSP with no violation: the stylesheet applies.
    const background = await page.evaluate(() => {
      const { body } = (globalThis as unknown as { document: { body: object } }).document;
      return (
        globalThis as unknown as { getComputedStyle(e: object): { backgroundColor: string } }
      ).getComputedStyle(body).backgroundColor;
    });
    expect(background).toBe('rgb(246, 247, 249)');
    await ctx.close();
  });
});

describe('actions need their CSRF token', () => {
  it('refuses an action without the token, with another session token, or from another origin', async () => {
    const ctx = await context();
    const page = await ctx.newPage();
    await signIn(page);
    const other = await context();
    const otherPage = await other.newPage();
    await signIn(otherPage);
    await otherPage.goto(`${base}/admin/orders/${orders.dropped}`);
    const foreignToken = await otherPage.locator('input[name="csrf"]').first().inputValue();

    const path = `/admin/orders/${orders.dropped}/query`;
    expect((await post(ctx, path, {})).status()).toBe(403);
    expect(
      (
        await post(ctx, path, { csrf: foreignToken.replace(/^./, (ch) => (ch === 'a' ? 'b' : 'a')) })
      ).status(),
    ).toBe(403);
    await page.goto(`${base}/admin/orders/${orders.dropped}`);
    const ownToken = await page.locator('input[name="csrf"]').first().inputValue();
    expect(ownToken).not.toBe(foreignToken);
    expect((await post(ctx, path, { csrf: foreignToken })).status()).toBe(403);
    expect((await post(ctx, path, { csrf: ownToken }, 'https://evil.example')).status()).toBe(403);
    // None of them asked the gateway: the order is still unpaid.
    expect((await signer.signer.store.getOrder(orders.dropped))?.status).toBe('NOTPAY');
    // Without a session at all.
    const anonymous = await context();
    expect((await post(anonymous, path, { csrf: ownToken })).status()).toBe(403);
    await Promise.all([ctx.close(), other.close(), anonymous.close()]);
  });
});

describe('the orders', () => {
  it('filters by status, order id, amount and day, pages by 50, and totals each day', async () => {
    const ctx = await context({ locale: 'en-US' });
    const page = await ctx.newPage();
    await signIn(page);
    const ids = () => page.locator('main table').nth(1).locator('tbody td:first-child a').allTextContents();
    // 3 paid-flow orders, 55 small ones, 2 of 2024-03-01: 60, newest first, 50 on the first page.
    expect(await ids()).toHaveLength(50);
    await expect.poll(() => page.locator('.pager span').textContent()).toBe('Page 1 of 2 · 60 in all');
    await screenshot(page, 'orders-en');
    await page.locator('a[rel="next"]').click();
    expect(await ids()).toHaveLength(10);
    expect((await ids()).slice(-2)).toEqual(['H0000000000000000002', 'H0000000000000000001']);

    await page.goto(`${base}/admin/orders`);
    await page.locator('select[name="status"]').selectOption('PAID');
    await page.locator('.filters button[type="submit"]').click();
    expect(await ids()).toEqual([orders.paid]);

    await page.goto(`${base}/admin/orders?min=0.50&max=0.52`);
    expect(await ids()).toHaveLength(3);
    expect(await page.locator('main table').nth(1).locator('tbody td.num').allTextContents()).toEqual([
      '¥0.52',
      '¥0.51',
      '¥0.50',
    ]);

    await page.goto(`${base}/admin/orders?orderId=${orders.dropped.slice(0, 12)}`);
    expect(await ids()).toContain(orders.dropped);

    // 2024-03-01 02:00Z is 10:00 China time on the 1st; 15:59Z is 23:59 on the 1st: one day, two orders.
    await page.goto(`${base}/admin/orders?from=2024-03-01&to=2024-03-01`);
    expect(await ids()).toEqual(['H0000000000000000002', 'H0000000000000000001']);
    const dayRows = await page.locator('main table').first().locator('tbody tr').allTextContents();
    expect(dayRows.map((r) => r.replace(/\s+/g, ' ').trim())).toEqual(['2024-03-01 2 0 ¥0.00']);

    // Today's totals: 58 orders, 1 paid, ¥12.30.
    await page.goto(`${base}/admin/orders?status=`);
    const today = (
      await page.locator('main table').first().locator('tbody tr').first().allTextContents()
    )[0]!;
    expect(today.replace(/\s+/g, ' ').trim()).toMatch(/^\d{4}-\d{2}-\d{2} 58 1 ¥12\.30$/);

    await page.goto(`${base}/admin/orders?min=abc`);
    await expect.poll(() => page.locator('[role="alert"]').textContent()).toBe('Min. amount (¥): abc');
    await ctx.close();
  });

  it('shows an order: its request, every notification with its verdict and body, anomalies and deliveries', async () => {
    const ctx = await context();
    const page = await ctx.newPage();
    await signIn(page);
    await page.goto(`${base}/admin/orders/${orders.paid}`);
    const text = (await page.locator('main').textContent())!;
    expect(text).toContain(orders.paid);
    expect(text).toContain('已支付');
    expect(text).toContain('¥12.30');
    // The notification as received (the gateway's four-decimal amount) with its verdict, and the forged one apart.
    const rows = page.locator('main table').first().locator('tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).locator('.badge').textContent()).toBe('paid');
    expect(await rows.nth(0).locator('pre').textContent()).toMatch(
      new RegExp(`^memberid=10002&orderid=${orders.paid}&transaction_id=\\d+&amount=12\\.3000&`),
    );
    expect(await rows.nth(1).locator('.badge').textContent()).toBe('bad_signature');
    expect(await rows.nth(1).textContent()).toContain('未验证（声称属于此订单）');
    // The signed request: its signature, never the key.
    expect(text).toContain('pay_md5sign');
    expect(text).toContain(`${base}/api/notify`);
    await screenshot(page, 'order-zh');

    await page.goto(`${base}/admin/orders/${orders.tampered}`);
    expect(await page.locator('main').textContent()).toContain('amount_mismatch');
    await page.goto(`${base}/admin/anomalies`);
    expect(await page.locator('main tbody tr').first().textContent()).toContain(orders.tampered);
    await screenshot(page, 'anomalies-zh');
    await page.goto(`${base}/admin/orders/A0000000000000000404`);
    expect(await page.locator('[role="alert"]').textContent()).toBe('页面或订单不存在。');
    await ctx.close();
  });
});

describe('the actions', () => {
  it('"send again" delivers the failing webhook, and the delivery verifies', async () => {
    const ctx = await context({ locale: 'en-US' });
    const page = await ctx.newPage();
    await signIn(page);
    await page.goto(`${base}/admin/webhooks`);
    // Failing first: the refused delivery of the paid order.
    const first = page.locator('main tbody tr').first();
    expect(await first.locator('td').first().textContent()).toBe(orders.paid);
    expect(await first.locator('.badge').textContent()).toBe('failing');
    expect(await first.textContent()).toContain('HTTP 500');
    await screenshot(page, 'webhooks-en');
    const before = receiver.received.length;
    receiverAccepts = true;
    await first.getByRole('button', { name: 'Send again' }).click();
    await expect.poll(() => page.locator('[role="status"]').textContent()).toBe('The webhook was delivered.');
    expect(receiver.received.length).toBe(before + 1);
    const delivery = receiver.received.at(-1)!;
    expect(delivery.status).toBe(204);
    const event = verifyWebhook(delivery.body, delivery.headers['jupay-signature'], SECRET);
    expect(event.data.orderId).toBe(orders.paid);
    expect(event.id).toBe((await signer.signer.store.listEvents(orders.paid))[0]!.id);
    expect((await signer.signer.store.listEvents(orders.paid))[0]!.deliveredAt).not.toBeNull();
    expect(
      await page.locator('main tbody tr').filter({ hasText: orders.paid }).locator('.badge').textContent(),
    ).toBe('delivered');
    await ctx.close();
  });

  it('"ask the gateway now" pays an order whose notification the simulator dropped', async () => {
    const ctx = await context({ locale: 'en-US' });
    const page = await ctx.newPage();
    await signIn(page);
    await page.goto(`${base}/admin/orders/${orders.dropped}`);
    expect(await page.locator('main dl').first().textContent()).toContain('Unpaid');
    // Made by the widget, which reported posting the form: the whole schedule.
    const queries = (await page.locator('main dl').nth(1).textContent())!.replace(/\s+/g, ' ');
    expect(queries).toMatch(/Payment form submitted ?\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/);
    expect(queries).toContain('Query budget the whole schedule');
    expect(await page.getByText('No query sent yet.').count()).toBe(1);
    await screenshot(page, 'order-unpaid-en');
    await page.getByRole('button', { name: 'Ask the gateway now' }).click();
    await expect
      .poll(() => page.locator('[role="status"]').textContent())
      .toBe('The gateway says it is paid: the order is now paid.');
    expect(await signer.signer.store.getOrder(orders.dropped)).toMatchObject({
      status: 'PAID',
      paidVia: 'query',
    });
    expect(await page.locator('main dl').first().textContent()).toContain('query');
    // Paid now: no button to ask again.
    expect(await page.getByRole('button', { name: 'Ask the gateway now' }).count()).toBe(0);
    // The query just sent is listed under the order: asked from the console, paid, the gateway's SUCCESS.
    expect(await page.getByRole('heading', { name: 'Queries sent' }).count()).toBe(1);
    const sent = page.locator('main h3 + div table tbody tr');
    expect(await sent.count()).toBe(1);
    const cells = (await sent.first().locator('td').allTextContents()).map((cell) => cell.trim());
    expect(cells[0]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(cells.slice(1, 4)).toEqual(['console', 'paid', 'SUCCESS']);
    expect(cells[4]).toMatch(/^\d+ ms$/);
    expect((await signer.signer.store.listGatewayQueries(orders.dropped, 10)).entries).toMatchObject([
      { trigger: 'console', outcome: 'paid', detail: 'SUCCESS' },
    ]);
    await screenshot(page, 'order-queried-en');
    await ctx.close();
  });

  it('the gateway page shows the rate cap, the due orders, and the query this instance just sent', async () => {
    const ctx = await context({ locale: 'en-US' });
    const page = await ctx.newPage();
    await signIn(page);
    expect(await page.locator('main > p.muted').first().textContent()).toMatch(
      /Gateway queries: 0 due now; cap 5 a second\./,
    );
    await page.getByRole('link', { name: 'Details' }).click();
    await page.waitForURL(`${base}/admin/gateway`);
    expect(await page.locator('h1').textContent()).toBe('Gateway queries');
    expect(await page.locator('header nav a[aria-current="page"]').textContent()).toBe('Gateway');
    const facts = (await page.locator('main dl').textContent())!.replace(/\s+/g, ' ');
    expect(facts).toContain('Rate cap 5 a second: up to 4 for the schedule, 1 kept for status reads');
    expect(facts).toContain('Due now 0');
    // "Ask the gateway now" above: one status-read query, sent without waiting.
    const sinceStart = page.locator('main table').first().locator('tbody tr');
    expect((await sinceStart.nth(0).textContent())!.replace(/\s+/g, ' ').trim()).toBe(
      'scheduled 0 0 0 0.0 s 0.0 s',
    );
    expect((await sinceStart.nth(1).textContent())!.replace(/\s+/g, ' ').trim()).toMatch(
      /^status reads 1 0 0 0\.\d s 0\.\d s$/,
    );
    await screenshot(page, 'gateway-en');
    await ctx.close();
  });
});

describe('the CSV export', () => {
  it('exports the orders of a date range, one line each, formulas neutralised', async () => {
    const ctx = await context();
    const page = await ctx.newPage();
    await signIn(page);
    await page.goto(`${base}/admin/orders?from=2024-03-01&to=2024-03-01`);
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: '导出 CSV' }).click();
    const file = await (await download).path();
    const { readFileSync } = await import('node:fs');
    const csv = readFileSync(file, 'utf8');
    seen.push(csv);
    captureText('console csv', csv);
    expect((await download).suggestedFilename()).toBe('jupay-orders-2024-03-01-2024-03-01.csv');
    expect(csv.split('\r\n')).toEqual([
      '\uFEFForder_id,status,amount_yuan,amount_fen,bank_code,product_name,attach,created_at_china,paid_at_china,paid_via,transaction_id,gateway',
      `H0000000000000000002,NOTPAY,30.00,3000,903,"'=HYPERLINK(""x"")",,2024-03-01 23:59:00,,,,default`,
      `H0000000000000000001,NOTPAY,68.00,6800,903,"'=HYPERLINK(""x"")",,2024-03-01 10:00:00,,,,default`,
      '',
    ]);
    const all = await ctx.request.get(`${base}/admin/orders.csv?status=PAID`);
    const paid = (await all.text()).trim().split('\r\n');
    expect(paid).toHaveLength(3);
    expect(
      paid
        .slice(1)
        .map((line) => line.split(',')[0])
        .sort(),
    ).toEqual([orders.dropped, orders.paid].sort());
    seen.push(paid.join('\n'));
    await ctx.close();
  });
});

describe('what the console looks like', () => {
  it('renders in zh-CN and English, light and dark, desktop and 375 px', async () => {
    for (const [locale, lang] of [
      ['zh-CN', 'zh'],
      ['en-US', 'en'],
    ] as const) {
      for (const dark of [false, true]) {
        for (const width of [1280, 375]) {
          const ctx = await context({ locale, dark, width });
          const page = await ctx.newPage();
          await signIn(page);
          const name = `${lang}-${dark ? 'dark' : 'light'}-${width}`;
          await page.goto(`${base}/admin/orders`);
          expect(await page.locator('html').getAttribute('lang')).toBe(lang === 'zh' ? 'zh-CN' : 'en');
          // Nothing wider than the screen but the tables' own scrolling boxes.
          expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
          await screenshot(page, `orders-${name}`);
          await page.goto(`${base}/admin/orders/${orders.paid}`);
          await screenshot(page, `order-${name}`);
          // The order paid from the console above: its list of queries sent, which must fit the screen too.
          await page.goto(`${base}/admin/orders/${orders.dropped}`);
          expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
          await screenshot(page, `order-queried-${name}`);
          await page.goto(`${base}/admin/gateway`);
          expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
          await screenshot(page, `gateway-${name}`);
          await ctx.close();
        }
      }
    }
    // The language link switches and is remembered.
    const ctx = await context({ locale: 'zh-CN' });
    const page = await ctx.newPage();
    await signIn(page);
    await page.getByRole('link', { name: 'English' }).click();
    expect(await page.locator('h1').textContent()).toBe('Orders');
    await page.goto(`${base}/admin/anomalies`);
    expect(await page.locator('h1').textContent()).toBe('Anomalies');
    await ctx.close();
  }, 120_000);

  it('showed the key, the webhook secret and the admin token nowhere', async () => {
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seen.length).toBeGreaterThan(20);
    for (const secret of [DEMO.key, SECRET, TOKEN]) {
      expect(seen.filter((text) => text.includes(secret))).toEqual([]);
    }
  });
});
