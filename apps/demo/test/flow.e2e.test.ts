/**
 * @module test/flow.e2e.test
 * The whole flow in a real browser (Debian's Chromium through playwright-core), against the real stack started
 * in-process on free ports: shop page → <pay-button> → signer → gateway simulator cashier → page return → return
 * page, with the store, the gateway's notification log and the shop's webhook log checked behind the UI (and the
 * element's submit report reaching the signer).
 * One browser for all scenarios; each saves a screenshot of its final state to apps/demo/artifacts/.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '@jupay/signer';
import { ensureWidgetBuilt, WIDGET_BUNDLE, widgetBuildReason } from '../src/build-widget.ts';
import { startDemo, type RunningDemo } from '../src/demo.ts';
import { DEMO_MEMBER } from '../src/pages.ts';

const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];
const PAID_TEXT = '支付成功';
const UNPAID_TEXT = '订单未支付。';
// axe-core, injected into pages (their CSP is bypassed for it, in the contexts that ask).
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

let demo: RunningDemo;
let browser: Browser;
let dataDir: string;
const contexts: BrowserContext[] = [];

/** A page that reports CSP violations (the DOM event and Chrome's console message) and script errors. */
interface WatchedPage {
  page: Page;
  cspViolations: string[];
  pageErrors: string[];
}

/** How a visitor's browser differs: the OS colour scheme, the screen, and (for axe) a CSP bypass. */
interface Visitor {
  colorScheme?: 'light' | 'dark';
  viewport?: { width: number; height: number };
  bypassCSP?: boolean;
}

async function openPage(visitor: Visitor = {}): Promise<WatchedPage> {
  const context = await browser.newContext({
    locale: 'zh-CN',
    viewport: visitor.viewport ?? { width: 1000, height: 760 },
    colorScheme: visitor.colorScheme ?? 'light',
    bypassCSP: visitor.bypassCSP ?? false,
  });
  contexts.push(context);
  // Runs before any page script, in every document (shop, gateway, return); it is not subject to the page's CSP.
  await context.addInitScript(() => {
    // The order of the statuses the element announced on the return page (pay-status is composed and bubbles).
    const statuses: string[] = [];
    (window as unknown as { payStatuses: string[] }).payStatuses = statuses;
    document.addEventListener('pay-status', (e) =>
      statuses.push((e as CustomEvent<{ status: string }>).detail.status),
    );
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(
        `[csp-violation] ${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} on ${location.origin}`,
      );
    });
  });
  const page = await context.newPage();
  const watched: WatchedPage = { page, cspViolations: [], pageErrors: [] };
  page.on('console', (message) => {
    const text = message.text();
    if (text.startsWith('[csp-violation]') || /Content Security Policy/i.test(text))
      watched.cspViolations.push(text);
  });
  page.on('pageerror', (error) => watched.pageErrors.push(error.message));
  return watched;
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** The button inside the element's shadow root (playwright's CSS pierces open shadow roots). */
const payButton = (page: Page) => page.locator('pay-button [part="button"]');
const statusLine = (page: Page) => page.locator('pay-button [part="status"]');

/** The receipt on the return page, as [label, value] rows. */
const receipt = (page: Page) =>
  page
    .locator('pay-button [part="receipt"] div')
    .evaluateAll((rows) =>
      rows.map((row) => [row.querySelector('dt')!.textContent, row.querySelector('dd')!.textContent]),
    );

/** Whether the element's controls fit in the height the page reserved for it before the script (so nothing moved). */
const reservedAndUsed = (page: Page) =>
  page.locator('pay-button').evaluate((el) => {
    const reserved = parseFloat(getComputedStyle(el).minHeight);
    const children = [...el.shadowRoot!.children].map((c) => c.getBoundingClientRect());
    const used = children.at(-1)!.bottom - children[0]!.top;
    return used <= reserved && reserved - used < 24 ? { fits: true } : { reserved, used };
  });

/** axe-core's violations on the whole page, shadow roots included (the context must bypass the page's CSP). */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(c: Document): Promise<{ violations: unknown[] }> } }).axe;
    const { violations } = await axe.run(document);
    return (violations as { id: string; nodes: { target: unknown; failureSummary: string }[] }[]).flatMap(
      (v) => v.nodes.map((n) => `${v.id} ${JSON.stringify(n.target)}: ${n.failureSummary}`),
    );
  });
}

/** Shop → pick a method, type an amount, pay → the gateway's cashier. Returns the order id the cashier shows. */
async function checkout(page: Page, method: string, amount: string, shop = demo.urls.shop): Promise<string> {
  await page.goto(shop);
  await page.getByRole('radio', { name: method }).check();
  await page.locator('pay-button #amount').fill(amount);
  await expect.poll(() => payButton(page).textContent()).toContain(amount);
  await payButton(page).click();
  await page.waitForURL(`${demo.urls.gateway}/Pay_Index.html`);
  return (await page.locator('#order-id').textContent())!.trim();
}

/**
 * At the cashier: pay, let the page return carry the browser back to the shop's return page, with the order id and
 * the language the shopper paid in.
 */
async function payAtCashier(page: Page, orderId: string, lang = 'zh-CN'): Promise<void> {
  await page.getByRole('button', { name: /确认支付/ }).click();
  await page.waitForURL(`${demo.urls.returnPage}?orderId=${orderId}&lang=${lang}`);
}

/** What the element announced so far on the current page. */
const payStatuses = (page: Page) =>
  page.evaluate(() => (window as unknown as { payStatuses: string[] }).payStatuses);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  // The root `pnpm test` builds first; a bare `vitest run` on a fresh clone builds here.
  if (widgetBuildReason() !== null) await ensureWidgetBuilt();
  if (!existsSync(WIDGET_BUNDLE))
    throw new Error('pay-button.js is missing: run pnpm --filter @jupay/pay-button build');
  mkdirSync(ARTIFACTS, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'jupay-demo-e2e-'));
  demo = await startDemo({
    ports: { gateway: 0, signer: 0, demo: 0 },
    dataDir,
    logLevel: 'silent',
    // One browser makes every checkout and status poll from 127.0.0.1: lift the per-IP limits for the suite.
    signerEnv: { JUPAY_RATE_LIMIT_CHECKOUT: '1000', JUPAY_RATE_LIMIT_STATUS: '10000' },
  });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
});

afterEach(async () => {
  demo.sim.clearFaults();
  for (const context of contexts.splice(0)) await context.close();
});

afterAll(async () => {
  await browser?.close();
  await demo?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('the demo in a real browser', () => {
  it('1. pays 12.34 with 支付宝扫码支付: cashier shows 12.34, return page shows paid, store and webhook agree', async () => {
    const { page, pageErrors } = await openPage();
    await page.goto(demo.urls.shop);
    await expect.poll(() => page.getByRole('radio').count()).toBe(4);
    // The shop reserves the element's height before the script arrives (shop.css): the controls fit in it.
    expect(await reservedAndUsed(page)).toEqual({ fits: true });
    await screenshot(page, '0-shop');

    const orderId = await checkout(page, '支付宝扫码支付', '12.34');
    await expect(page.locator('#amount').textContent()).resolves.toBe('¥12.34');
    await expect(page.locator('main').textContent()).resolves.toContain('支付宝扫码支付');

    await payAtCashier(page, orderId);
    await expect.poll(() => statusLine(page).textContent(), { timeout: 15_000 }).toContain(PAID_TEXT);
    await expect(page.locator('pay-button').getAttribute('state')).resolves.toBe('paid');

    const gatewayOrder = demo.sim.order(orderId)!;
    const order = await demo.store.getOrder(orderId);
    expect(order).toMatchObject({ status: 'PAID', amountFen: 1234, bankCode: '903', paidVia: 'notify' });
    expect(order!.transactionId).toBe(gatewayOrder.transactionId);

    const events = await demo.webhooks.waitFor(orderId, 1);
    // Give a wrong second delivery time to show up before counting.
    await sleep(1500);
    expect(demo.webhooks.events(orderId)).toHaveLength(1);
    expect(demo.webhooks.refused()).toEqual([]); // and no delivery the shop had to turn away
    expect(events[0]).toMatchObject({
      type: 'order.paid',
      amount: '12.34',
      transactionId: gatewayOrder.transactionId,
      // The shop's attach went through the element, the signer, the gateway and back.
      attach: DEMO_MEMBER,
    });
    // The receipt: one message, then amount, method, order id and the paid time in the shopper's locale.
    expect(await statusLine(page).textContent()).toBe(PAID_TEXT);
    const rows = await receipt(page);
    expect(rows.slice(0, 3)).toEqual([
      ['金额（元）', '¥12.34'],
      ['支付方式', '支付宝扫码支付'],
      ['订单号', orderId],
    ]);
    expect(rows[3]![0]).toBe('支付时间');
    expect(rows[3]![1]).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$/);
    expect(await reservedAndUsed(page)).toEqual({ fits: true });
    expect(pageErrors).toEqual([]);
    await screenshot(page, '1-paid-receipt');
  });

  it('2. cancel at the cashier: back to the shop, in Chinese; the return page then says "not paid"', async () => {
    const { page } = await openPage();
    const orderId = await checkout(page, '微信扫码支付', '30');
    await page.getByRole('button', { name: /取消支付/ }).click();
    // The gateway's cancel link is the signer's pay_producturl: the shop, in the language the shopper paid in.
    await page.waitForURL(`${demo.urls.shop}?lang=zh-CN`);
    await expect(page.locator('h1').textContent()).resolves.toBe('账户充值');
    await expect.poll(() => page.locator('pay-button').getAttribute('state')).toBe('idle');
    expect(demo.sim.order(orderId)!.cancelledAt).toBeInstanceOf(Date);
    await screenshot(page, '2-cancelled-back-at-shop');

    // Coming to the return page anyway: its first status read makes the signer ask the gateway, which says NOTPAY.
    await page.goto(`${demo.urls.returnPage}?orderId=${orderId}`);
    await expect.poll(() => statusLine(page).textContent(), { timeout: 15_000 }).toBe(UNPAID_TEXT);
    await expect(page.locator('pay-button').getAttribute('state')).resolves.toBe('unpaid');
    await expect(page.locator('pay-button [part="pay-again"]').getAttribute('href')).resolves.toBe('/');
    // Reconciliation asks the gateway too (5 s after checkout) and learns the order is still unpaid.
    await expect
      .poll(async () => (await demo.store.getOrder(orderId))!.queryAttempts, { timeout: 20_000 })
      .toBeGreaterThan(0);
    expect((await demo.store.getOrder(orderId))!.status).toBe('NOTPAY');
    expect(demo.webhooks.events(orderId)).toHaveLength(0);
    expect(await payStatuses(page)).toEqual(['NOTPAY']);
    await screenshot(page, '2-not-paid');

    // "Pay again" leads back to the shop, where a new attempt starts.
    await page.locator('pay-button [part="pay-again"]').click();
    await page.waitForURL(demo.urls.shop);
    await expect.poll(() => page.getByRole('radio').count()).toBe(4);
  });

  it('3. notification dropped: the return page shows pending, then paid once reconciliation queries the gateway', async () => {
    demo.sim.setFaults({ dropNotification: true });
    const { page } = await openPage();
    const orderId = await checkout(page, '支付宝手机', '6.66');
    await payAtCashier(page, orderId);
    // The status read may make the signer query the gateway at once, so pending can be brief: the element's own
    // announcements give the order of what it showed.
    await expect.poll(() => payStatuses(page)).toContain('NOTPAY');
    expect(demo.sim.notifications(orderId).every((a) => a.dropped)).toBe(true);
    await expect.poll(() => statusLine(page).textContent(), { timeout: 30_000 }).toContain(PAID_TEXT);
    expect(await payStatuses(page)).toEqual(['NOTPAY', 'PAID']);
    const order = (await demo.store.getOrder(orderId))!;
    expect(order).toMatchObject({ status: 'PAID', paidVia: 'query' });
    expect(order.transactionId).toBe(demo.sim.order(orderId)!.transactionId);
    expect((await demo.webhooks.waitFor(orderId, 1))[0]!.paidVia).toBe('query');
    await screenshot(page, '3-paid-by-query');
  });

  it('4. tampered then duplicated notifications: the tampered one refused and recorded, exactly one transition', async () => {
    // First round: a correctly signed notification with the wrong amount, and no re-sends. The gateway's query
    // answers an error throughout, so reconciliation cannot pay the order behind the notifications' back: every
    // transition below is a notification's.
    demo.sim.setFaults({ tamperAmount: true, resendCount: 0, query: 'error' });
    const { page } = await openPage();
    const orderId = await checkout(page, '网银支付', '88.00');
    await payAtCashier(page, orderId);
    const tampered = await demo.sim.waitForNotifications(orderId, 1);
    expect(tampered[0]).toMatchObject({ received: false, response: 'FAIL' });
    expect((await demo.store.listNotifications(orderId)).map((n) => n.verdict)).toEqual(['amount_mismatch']);

    // The operator's manual re-send, now genuine, sent three times back to back.
    expect((await demo.store.getOrder(orderId))!.status).toBe('NOTPAY');
    demo.sim.clearFaults();
    demo.sim.setFaults({ notifyTimes: 3, query: 'error' }, { orderId });
    const genuine = await demo.sim.resend(orderId);
    expect(genuine).toHaveLength(3);
    expect(genuine.every((a) => a.received && a.response === 'OK')).toBe(true);

    await expect.poll(() => statusLine(page).textContent(), { timeout: 15_000 }).toContain(PAID_TEXT);
    // The tampered one refused and recorded; of the three genuine ones exactly one made the transition.
    const verdicts = (await demo.store.listNotifications(orderId)).map((n) => n.verdict);
    expect(verdicts).toEqual(['amount_mismatch', 'paid', 'duplicate', 'duplicate']);
    const anomalies = await demo.store.listAnomalies(orderId);
    expect(anomalies.map((a) => a.kind)).toContain('amount_mismatch');
    const order = (await demo.store.getOrder(orderId))!;
    expect(order).toMatchObject({ status: 'PAID', amountFen: 8800, paidVia: 'notify' });
    expect(order.transactionId).toBe(demo.sim.order(orderId)!.transactionId);
    expect(await demo.store.listEvents(orderId)).toHaveLength(1);
    await demo.webhooks.waitFor(orderId, 1);
    await sleep(1500);
    expect(demo.webhooks.events(orderId)).toHaveLength(1);
    await screenshot(page, '4-duplicates-and-tampered');
  });

  it('5. keyboard only: from the first tab stop to the cashier', async () => {
    const { page } = await openPage();
    await page.goto(demo.urls.shop);
    await expect.poll(() => page.getByRole('radio').count()).toBe(4);
    const focused = () =>
      page.evaluate(() => {
        let el = document.activeElement;
        while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
        const input = el as HTMLInputElement | null;
        return {
          tag: el?.tagName.toLowerCase() ?? '',
          id: el?.id ?? '',
          part: el?.getAttribute('part') ?? '',
          type: input?.type ?? '',
          checked: input?.checked ?? false,
          text: (el?.textContent ?? '').trim(),
          label: (el?.closest('label')?.textContent ?? '').trim(),
        };
      });

    await page.keyboard.press('Tab');
    const first = await focused();
    // The page's first tab stop is the shop's own header link, before the widget.
    expect(first).toMatchObject({ tag: 'a' });
    expect(first.text).toContain('星河小铺');

    let stop = first;
    for (let i = 0; i < 10 && stop.type !== 'radio'; i++) {
      await page.keyboard.press('Tab');
      stop = await focused();
    }
    expect(stop).toMatchObject({ type: 'radio', checked: true });
    for (let i = 0; i < 4 && !stop.label.includes('支付宝扫码支付'); i++) {
      await page.keyboard.press('ArrowDown');
      stop = await focused();
    }
    expect(stop).toMatchObject({ type: 'radio', checked: true });
    expect(stop.label).toContain('支付宝扫码支付');

    for (let i = 0; i < 10 && stop.id !== 'amount'; i++) {
      await page.keyboard.press('Tab');
      stop = await focused();
    }
    expect(stop.id).toBe('amount');
    await page.keyboard.type('12.34');
    await page.keyboard.press('Tab');
    stop = await focused();
    expect(stop.part).toBe('button');
    expect(stop.text).toContain('12.34');
    await page.keyboard.press('Enter');

    await page.waitForURL(`${demo.urls.gateway}/Pay_Index.html`);
    await expect(page.locator('#amount').textContent()).resolves.toBe('¥12.34');
    await expect(page.locator('main').textContent()).resolves.toContain('支付宝扫码支付');
    await screenshot(page, '5-keyboard-cashier');
  });

  it('6. strict Content-Security-Policy: no violation during the whole flow (and the detector does catch one)', async () => {
    const response = await fetch(demo.urls.shop);
    const csp = response.headers.get('content-security-policy')!;
    const signer = demo.urls.signer;
    for (const directive of [
      "default-src 'self'",
      `script-src 'self' ${signer}`,
      `connect-src ${signer}`,
      "style-src 'self'",
      "img-src 'self' data:",
      `form-action ${demo.urls.gateway}`,
    ]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toContain('unsafe-inline');
    const html = await response.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
    expect(html).not.toMatch(/<style|\sstyle=/); // no inline style
    expect(html).toMatch(
      /<script type="module" src="[^"]+\/pay-button\.js\?v=[0-9a-f]{16}" integrity="sha384-[^"]+" crossorigin="anonymous">/,
    );

    const watched = await openPage();
    const { page } = watched;
    const report = page.waitForRequest((request) => request.url().endsWith('/submitted'));
    const orderId = await checkout(page, '支付宝扫码支付', '12.34');
    // The element's submit report: a beacon to the signer just before the form went to the gateway, allowed by
    // connect-src and accepted by the signer (its origin checked), which recorded it in the store.
    const beacon = await report;
    expect(beacon.method()).toBe('POST');
    expect(beacon.url()).toBe(`${signer}/api/orders/${orderId}/submitted`);
    const reader = openSqliteStore(join(demo.dataDir, 'signer.db'));
    try {
      const reach = reader.database.prepare(
        'SELECT submitted_at, query_budget FROM orders WHERE order_id = ?',
      );
      await expect
        .poll(() => reach.get(orderId) as { submitted_at: number | null; query_budget: number | null })
        .toEqual({ submitted_at: expect.any(Number), query_budget: null });
    } finally {
      await reader.close();
    }
    await payAtCashier(page, orderId);
    await expect.poll(() => statusLine(page).textContent(), { timeout: 15_000 }).toContain(PAID_TEXT);
    await page.goto(`${demo.urls.shop}events`);
    await expect(page.locator('table').textContent()).resolves.toContain(orderId);
    expect(watched.cspViolations).toEqual([]);
    expect(watched.pageErrors).toEqual([]);
    await screenshot(page, '6-csp-webhook-log');

    // The control: an inline style on the shop must be reported, or the empty list above proves nothing.
    await page.goto(demo.urls.shop);
    await page.evaluate(() => {
      const style = document.createElement('style');
      style.textContent = 'body { outline: 1px solid red; }';
      document.head.append(style);
    });
    await expect.poll(() => watched.cspViolations.length).toBeGreaterThan(0);
    expect(watched.cspViolations.join('\n')).toMatch(/style-src/);
  });

  it('the English switch: the shop and the element speak English, and back', async () => {
    const { page } = await openPage();
    await page.goto(demo.urls.shop);
    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForURL(`${demo.urls.shop}?lang=en`);
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
    await expect(page.locator('h1').textContent()).resolves.toBe('Top up your account');
    await expect.poll(() => page.getByRole('radio', { name: 'Alipay QR code' }).count()).toBe(1);
    await page.locator('pay-button #amount').fill('12.34');
    await expect.poll(() => payButton(page).textContent()).toMatch(/Pay\s+CN¥12\.34/);
    expect(await reservedAndUsed(page)).toEqual({ fits: true });
    await screenshot(page, 'en-shop');
    await page.getByRole('link', { name: '中文' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('账户充值');
  });

  it('an English round trip stays English: the receipt on the way back, the shop after a cancel', async () => {
    const { page, pageErrors } = await openPage();
    const english = `${demo.urls.shop}?lang=en`;
    const orderId = await checkout(page, 'Alipay QR code', '12.34', english);
    await payAtCashier(page, orderId, 'en');
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
    await expect(page.locator('h1').textContent()).resolves.toBe('Payment result');
    await expect.poll(() => statusLine(page).textContent(), { timeout: 15_000 }).toBe('Payment received');
    const rows = await receipt(page);
    expect(rows.slice(0, 3)).toEqual([
      ['Amount (CNY)', 'CN¥12.34'],
      ['Payment method', 'Alipay QR code'],
      ['Order', orderId],
    ]);
    expect(rows[3]).toEqual([
      'Paid',
      expect.stringMatching(/^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2} [AP]M$/),
    ]);
    await screenshot(page, 'en-receipt');

    // Cancelled instead: the gateway's cancel link brings the shopper back to the English shop.
    const cancelled = await checkout(page, 'WeChat Pay QR code', '6', english);
    await page.getByRole('button', { name: /取消支付/ }).click();
    await page.waitForURL(english);
    await expect(page.locator('h1').textContent()).resolves.toBe('Top up your account');
    expect((await demo.store.getOrder(cancelled))!.status).toBe('NOTPAY');
    expect(pageErrors).toEqual([]);
  });

  it('a visitor whose OS is dark reads everything on the light shop (axe, colour contrast included)', async () => {
    const { page } = await openPage({ colorScheme: 'dark', bypassCSP: true });
    await page.goto(demo.urls.shop);
    await expect.poll(() => page.getByRole('radio').count()).toBe(4);
    expect(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)).toBe(true);
    // The element keeps the light theme the shop chose: dark text on white, as the page around it.
    const colours = await page
      .locator('pay-button')
      .evaluate((el) => [getComputedStyle(el).backgroundColor, getComputedStyle(el).color]);
    expect(colours).toEqual(['rgb(255, 255, 255)', 'rgb(31, 31, 31)']);
    await page.locator('pay-button #amount').fill('0.001');
    await payButton(page).click();
    await expect.poll(() => page.locator('pay-button [part="field-error"]').count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'dark-os-light-shop');
    // The control: the light-on-white text a dark OS used to bring is reported, so the empty list above means it.
    await page.locator('pay-button').evaluate((el) => el.setAttribute('style', '--pay-button-text: #e3e3e3'));
    expect((await axeViolations(page)).join('\n')).toMatch(/^color-contrast /m);
    await page.locator('pay-button').evaluate((el) => el.removeAttribute('style'));

    // The receipt too.
    const orderId = await checkout(page, '支付宝扫码支付', '1');
    await payAtCashier(page, orderId);
    await expect.poll(() => statusLine(page).textContent(), { timeout: 15_000 }).toBe(PAID_TEXT);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('the dark shop (?theme=dark) uses <pay-button theme="dark">, and it reads well there', async () => {
    const { page } = await openPage({ bypassCSP: true });
    await page.goto(`${demo.urls.shop}?theme=dark`);
    await expect.poll(() => page.getByRole('radio').count()).toBe(4);
    await expect(page.locator('pay-button').getAttribute('theme')).resolves.toBe('dark');
    await page.getByRole('radio', { name: '支付宝扫码支付' }).check();
    await page.locator('pay-button [part~="preset"]').nth(1).click();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'dark-shop');
  });

  it('on a 375×740 phone: the shop fits the screen, and so does the receipt', async () => {
    const { page } = await openPage({ viewport: { width: 375, height: 740 } });
    await page.goto(demo.urls.shop);
    await expect.poll(() => page.getByRole('radio').count()).toBe(4);
    const width = () => page.evaluate(() => document.documentElement.scrollWidth);
    expect(await width()).toBeLessThanOrEqual(375);
    expect(await reservedAndUsed(page)).toEqual({ fits: true });
    const element = (await page.locator('pay-button').boundingBox())!;
    const pay = (await payButton(page).boundingBox())!;
    // Scrolled to the element's top, Pay is on the screen.
    expect(pay.y + pay.height - element.y).toBeLessThanOrEqual(740);
    await screenshot(page, 'phone-shop');
    const orderId = await checkout(page, '支付宝扫码支付', '68');
    await payAtCashier(page, orderId);
    await expect.poll(() => statusLine(page).textContent(), { timeout: 15_000 }).toBe(PAID_TEXT);
    expect(await width()).toBeLessThanOrEqual(375);
    await screenshot(page, 'phone-receipt');
  });

  it('a shop page on an origin the signer does not allow names the problem instead of a network error', async () => {
    const { page } = await openPage();
    // The same shop, reached as localhost: another origin than the one in JUPAY_ALLOWED_ORIGINS (127.0.0.1).
    const elsewhere = new URL(demo.urls.shop);
    elsewhere.hostname = 'localhost';
    await page.goto(elsewhere.href);
    const error = page.locator('pay-button [part=error]');
    await expect.poll(() => error.textContent(), { timeout: 10_000 }).toContain('ORIGIN_NOT_ALLOWED');
    await expect(error.textContent()).resolves.not.toContain('无法连接支付服务');
  });

  it('7. the back button from the cashier returns to a usable, not spinning, button', async () => {
    const { page } = await openPage();
    const firstOrder = await checkout(page, '支付宝扫码支付', '12.34');
    await page.goBack();
    await page.waitForURL(demo.urls.shop);
    await expect.poll(() => payButton(page).getAttribute('aria-busy')).toBe('false');
    await expect(page.locator('pay-button').getAttribute('state')).resolves.toBe('idle');
    await expect(payButton(page).locator('.spinner').count()).resolves.toBe(0);
    await expect(payButton(page).isEnabled()).resolves.toBe(true);
    await screenshot(page, '7-back-usable');

    // Usable: a second press starts a new attempt and reaches the cashier with a new order.
    await page.getByRole('radio', { name: '微信扫码支付' }).check();
    await page.locator('pay-button #amount').fill('1.00');
    await payButton(page).click();
    await page.waitForURL(`${demo.urls.gateway}/Pay_Index.html`);
    const secondOrder = (await page.locator('#order-id').textContent())!.trim();
    expect(secondOrder).not.toBe(firstOrder);
    await expect(page.locator('#amount').textContent()).resolves.toBe('¥1.00');
    await screenshot(page, '7-second-attempt-cashier');
  });
});
