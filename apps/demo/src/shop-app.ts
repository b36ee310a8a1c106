/**
 * @module shop-app
 * The demo merchant's web server as a Hono app: the shop and return pages, static assets, and the `/webhook`
 * receiver that verifies the signer's signature before recording an event. Every response carries the strict
 * Content-Security-Policy a careful merchant would use: scripts only from itself and the signer, fetches only to
 * the signer, forms only to the gateway, no inline code.
 */
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { eventsPage, returnPage, shopPage, type Lang } from './pages.ts';
import { SIGNATURE_HEADER, verifyWebhook, WebhookVerificationError, type WidgetSnippet } from '@jupay/signer';
import type { WebhookLog } from './webhook-log.ts';

/** What the shop needs to know about the rest of the stack. */
export interface ShopOptions {
  /** The signer's public URL (origin), e.g. `http://127.0.0.1:4200`. */
  signerUrl: string;
  /** The gateway's origin: the only `form-action` allowed. */
  gatewayUrl: string;
  /** The current widget snippet; called per page so a rebuilt bundle gets a new hash without a restart. */
  snippet: () => WidgetSnippet | null;
  webhookSecret: string;
  webhooks: WebhookLog;
}

const ASSETS: Record<string, { file: string; type: string }> = {
  'shop.css': { file: 'shop.css', type: 'text/css; charset=utf-8' },
  'logo.svg': { file: 'logo.svg', type: 'image/svg+xml' },
  'coins.svg': { file: 'coins.svg', type: 'image/svg+xml' },
};
const PUBLIC_DIR = new URL('../public/', import.meta.url);

/**
 * The policy for every demo response.
 *
 * @example
 * contentSecurityPolicy('http://127.0.0.1:4200', 'http://127.0.0.1:4100');
 */
export function contentSecurityPolicy(signerUrl: string, gatewayUrl: string): string {
  const signer = new URL(signerUrl).origin;
  const gateway = new URL(gatewayUrl).origin;
  return [
    "default-src 'self'",
    `script-src 'self' ${signer}`,
    `connect-src ${signer}`,
    "style-src 'self'",
    "img-src 'self' data:",
    `form-action ${gateway}`,
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Creates the shop app.
 *
 * @example
 * const app = createShopApp({ signerUrl, gatewayUrl, snippet: () => widgetSnippet(signerUrl), webhookSecret, webhooks });
 */
export function createShopApp(options: ShopOptions): Hono {
  const csp = contentSecurityPolicy(options.signerUrl, options.gatewayUrl);
  const assets = new Map(
    Object.entries(ASSETS).map(([name, a]) => [
      name,
      { body: readFileSync(new URL(a.file, PUBLIC_DIR)), type: a.type },
    ]),
  );
  const app = new Hono();

  app.use(async (c, next) => {
    await next();
    c.res.headers.set('Content-Security-Policy', csp);
    c.res.headers.set('X-Content-Type-Options', 'nosniff');
    c.res.headers.set('Referrer-Policy', 'strict-origin-when-cross-origin');
  });

  const langOf = (value: string | undefined): Lang => (value === 'en' ? 'en' : 'zh-CN');
  const context = (lang: Lang) => ({ lang, signerUrl: options.signerUrl, snippet: options.snippet() });

  app.get('/', (c) => {
    c.header('Cache-Control', 'no-cache');
    return c.html(
      shopPage({ ...context(langOf(c.req.query('lang'))), dark: c.req.query('theme') === 'dark' }),
    );
  });

  app.get('/return', (c) => {
    c.header('Cache-Control', 'no-store');
    return c.html(returnPage(context(langOf(c.req.query('lang'))), c.req.query('orderId') ?? null));
  });

  app.get('/events', (c) => {
    c.header('Cache-Control', 'no-store');
    return c.html(eventsPage(langOf(c.req.query('lang')), options.webhooks.events()));
  });

  app.get('/assets/:name', (c) => {
    const asset = assets.get(c.req.param('name'));
    if (!asset) return c.text('404 Not Found', 404);
    return c.body(new Uint8Array(asset.body), 200, {
      'Content-Type': asset.type,
      'Cache-Control': 'no-cache',
    });
  });

  // The merchant's webhook endpoint: verify over the raw body first, act only on a verified event, answer 2xx
  // quickly (the signer retries anything else), dedupe on the event id.
  app.post('/webhook', async (c) => {
    const body = await c.req.text();
    try {
      const event = verifyWebhook(body, c.req.header(SIGNATURE_HEADER), options.webhookSecret);
      const entry = options.webhooks.record(event);
      return c.json({ received: true, duplicate: entry.duplicate });
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      options.webhooks.refuse(error.code, error.message);
      return c.json({ error: { code: error.code, message: error.message } }, 400);
    }
  });

  app.get('/webhook', (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json({ events: options.webhooks.events(), refused: options.webhooks.refused() });
  });

  app.notFound((c) => c.text('404 Not Found', 404));
  return app;
}
