/**
 * @module gateways.e2e.test
 * Several gateway accounts in Debian's Chromium (playwright-core), against a real signer listener, two simulated
 * gateways on their own origins and a shop page under a strict Content-Security-Policy: the unchanged `<pay-button>`
 * (the bundle the signer serves) configures itself, and each method's payment form goes through the signer's relay
 * to the gateway of the account that serves it, whose cashier pays, notifies and sends the shopper back; the shop's
 * `form-action` must list the signer and each gateway, since Chromium checks the redirect's target too. Then the
 * console with one account unhealthy: screenshots (zh-CN and English, light and dark, desktop and 375 px) of the
 * orders, an order and the gateway page go to apps/signer/artifacts/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BANK_CODES } from '@jupay/core';
import { startGatewayFleet, type GatewayFleet } from '@jupay/gateway-sim';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load-config.ts';
import { startServer, type RunningSigner } from '../src/server.ts';
import { freePort } from './helpers/free-port.ts';
import { captureText } from './helpers/leak-log.ts';
import { baseEnv } from './helpers/signer-harness.ts';

const A = { memberId: '10002', key: 'key-of-account-a-0123456789' };
const B = { memberId: '20001', key: 'key-of-account-b-9876543210' };
const TOKEN = 'adm1n-t0ken-for-tests-0123456789';
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
const nameOf = (code: string) => BANK_CODES.find((b) => b.code === code)!.zh;

let dir: string;
let fleet: GatewayFleet;
let signer: RunningSigner;
let base: string;
let shop: { url: string; server: Server; formAction: string };
let browser: Browser;
const seen: string[] = [];
const paid: string[] = [];

/** The shop: a page with the signer's script and one bare <pay-button>, and a return page. */
function startShop(formAction: () => string): Promise<{ url: string; server: Server; formAction: string }> {
  const server = createServer((req, res) => {
    const csp = [
      "default-src 'self'",
      `script-src ${base}`,
      `connect-src ${base}`,
      "style-src 'self'",
      `form-action ${formAction()}`,
      "base-uri 'none'",
    ].join('; ');
    const page = req.url?.startsWith('/thanks')
      ? '<h1>Thanks</h1>'
      : `<h1>Shop</h1><script type="module" src="${base}/pay-button.js"></script><pay-button signer="${base}"></pay-button>`;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp });
    res.end(
      `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>Shop</title></head><body>${page}</body></html>`,
    );
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}`, server, formAction: '' });
    });
  });
}

async function context(
  options: { locale?: string; dark?: boolean; width?: number } = {},
): Promise<BrowserContext> {
  const ctx = await browser.newContext({
    locale: options.locale ?? 'zh-CN',
    colorScheme: options.dark ? 'dark' : 'light',
    viewport: { width: options.width ?? 1280, height: 860 },
  });
  ctx.on('response', (response) => {
    void response
      .text()
      .catch(() => '')
      .then((body) => {
        const text = `${JSON.stringify(response.headers())}\n${body}`;
        seen.push(text);
        captureText(`gateways e2e ${response.url()}`, text);
      });
  });
  return ctx;
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `gateways-${name}.png`), fullPage: true });
}

let allowed = '';
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jupay-gateways-e2e-'));
  mkdirSync(ARTIFACTS, { recursive: true });
  fleet = await startGatewayFleet([
    { id: 'a', merchants: [{ ...A, name: 'Shop at A' }], resendCount: 0 },
    { id: 'b', merchants: [{ ...B, name: 'Shop at B' }], resendCount: 0 },
  ]);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  shop = await startShop(() => allowed);
  signer = await startServer(
    loadConfig(
      baseEnv({
        JUPAY_MEMBER_ID: undefined,
        JUPAY_KEY: undefined,
        JUPAY_GATEWAY_URL: undefined,
        JUPAY_GATEWAYS: 'a,b',
        JUPAY_GATEWAY_A_NAME: '通道 A',
        JUPAY_GATEWAY_A_PAYMENT_URL: `${fleet.get('a').running.url}/Pay_Index.html`,
        JUPAY_GATEWAY_A_MEMBER_ID: A.memberId,
        JUPAY_GATEWAY_A_KEY: A.key,
        JUPAY_GATEWAY_A_BANK_CODES: '902,903',
        JUPAY_GATEWAY_B_NAME: '通道 B',
        JUPAY_GATEWAY_B_PAYMENT_URL: `${fleet.get('b').running.url}/Pay_Index.html`,
        JUPAY_GATEWAY_B_MEMBER_ID: B.memberId,
        JUPAY_GATEWAY_B_KEY: B.key,
        JUPAY_GATEWAY_B_BANK_CODES: '903,904',
        JUPAY_GATEWAY_B_PRIORITY: '2',
        JUPAY_BANK_CODES: '902,903,904',
        JUPAY_PUBLIC_URL: base,
        JUPAY_RETURN_URL: `${shop.url}/thanks`,
        JUPAY_ALLOWED_ORIGINS: shop.url,
        PORT: String(port),
        JUPAY_STORE: join(dir, 'signer.db'),
        JUPAY_ADMIN_TOKEN: TOKEN,
        JUPAY_HEALTH_INTERVAL: '200ms',
        JUPAY_HEALTH_TIMEOUT: '500ms',
        JUPAY_HEALTH_FAILURES: '2',
        JUPAY_WORKER_POLL_MS: '50',
        JUPAY_RECONCILE_SCHEDULE: 'off',
        JUPAY_LOG_LEVEL: 'silent',
      }),
    ),
  );
  // Chromium checks form-action against every target of the form's navigation, redirects included.
  allowed = [base, fleet.get('a').running.url, fleet.get('b').running.url].join(' ');
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await signer?.close();
  await new Promise((resolve) => shop?.server.close(resolve));
  await fleet?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Shop → the method → pay: the browser ends at a gateway's cashier; returns the order id it shows. */
async function payWith(page: Page, code: string, amount: string): Promise<string> {
  await page.goto(shop.url);
  await page.getByRole('radio', { name: nameOf(code) }).check();
  await page.locator('pay-button #amount').fill(amount);
  await page.locator('pay-button [part="button"]').click();
  await page.waitForURL(/\/Pay_Index\.html$/);
  return (await page.locator('#order-id').textContent())!.trim();
}

describe('the unchanged <pay-button> with two gateways on two origins', () => {
  it('offers every method, and sends each through the relay to the gateway of its account, which pays', async () => {
    const ctx = await context();
    const page = await ctx.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    await page.goto(shop.url);
    await expect.poll(() => page.getByRole('radio').count()).toBe(3);
    await screenshot(page, 'shop-zh');

    for (const [code, gateway] of [
      ['904', 'b'],
      ['902', 'a'],
    ] as const) {
      const orderId = await payWith(page, code, '12.34');
      expect(new URL(page.url()).origin).toBe(fleet.get(gateway).running.url);
      expect(await page.locator('main').textContent()).toContain(gateway === 'a' ? 'Shop at A' : 'Shop at B');
      await screenshot(page, `cashier-${gateway}`);
      await page.getByRole('button', { name: /确认支付/ }).click();
      await page.waitForURL(`${shop.url}/thanks?orderId=${orderId}&lang=zh-CN`);
      expect(await signer.signer.store.getOrder(orderId)).toMatchObject({
        status: 'PAID',
        paidVia: 'notify',
        gatewayId: gateway,
      });
      paid.push(orderId);
    }
    expect(violations).toEqual([]);
    await ctx.close();
  }, 60_000);

  it("a shop whose form-action names only the signer: Chromium stops the relay's redirect to the gateway", async () => {
    const before = allowed;
    allowed = base;
    try {
      const ctx = await context();
      const page = await ctx.newPage();
      const violations: string[] = [];
      page.on('console', (message) => {
        if (/form-action/i.test(message.text())) violations.push(message.text());
      });
      await page.goto(shop.url);
      await page.getByRole('radio', { name: nameOf('904') }).check();
      await page.locator('pay-button #amount').fill('1.00');
      await page.locator('pay-button [part="button"]').click();
      await expect.poll(() => violations.length, { timeout: 10_000 }).toBeGreaterThan(0);
      expect(page.url().startsWith(fleet.get('b').running.url)).toBe(false);
      await ctx.close();
    } finally {
      allowed = before;
    }
  }, 60_000);
});

describe('the console with one gateway unhealthy', () => {
  it('renders the orders, an order and the gateway page in zh-CN and English, light and dark, desktop and 375 px', async () => {
    await fleet.get('a').sim.controls.setAvailability({ down: 'http-503' });
    await expect
      .poll(() => signer.signer.gateways.health.isHealthy('a'), { timeout: 10_000, interval: 50 })
      .toBe(false);
    for (const [locale, lang] of [
      ['zh-CN', 'zh'],
      ['en-US', 'en'],
    ] as const) {
      for (const dark of [false, true]) {
        for (const width of [1280, 375]) {
          const ctx = await context({ locale, dark, width });
          const page = await ctx.newPage();
          await page.goto(`${base}/admin/login`);
          await page.locator('input[name="token"]').fill(TOKEN);
          await page.locator('form.login button[type="submit"]').click();
          await page.waitForURL(`${base}/admin/orders`);
          const name = `${lang}-${dark ? 'dark' : 'light'}-${width}`;
          const overflow = () =>
            page.evaluate(() => {
              const w = globalThis as unknown as {
                innerWidth: number;
                document: { documentElement: { scrollWidth: number } };
              };
              return w.document.documentElement.scrollWidth - w.innerWidth;
            });
          await expect(page.locator('main').textContent()).resolves.toContain('通道 A');
          expect(await overflow()).toBeLessThanOrEqual(0);
          await screenshot(page, `console-orders-${name}`);
          await page.goto(`${base}/admin/orders/${paid[0]}`);
          await expect(page.locator('main').textContent()).resolves.toContain('通道 B');
          expect(await overflow()).toBeLessThanOrEqual(0);
          await screenshot(page, `console-order-${name}`);
          await page.goto(`${base}/admin/gateway`);
          expect(await page.locator('.badge.bad').count()).toBe(1);
          expect(await overflow()).toBeLessThanOrEqual(0);
          await screenshot(page, `console-gateway-${name}`);
          await ctx.close();
        }
      }
    }
  }, 120_000);

  it('showed no account key and no admin token on any page', async () => {
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seen.length).toBeGreaterThan(20);
    for (const secret of [A.key, B.key, TOKEN])
      expect(seen.filter((text) => text.includes(secret))).toEqual([]);
  });
});
