/**
 * @module demo
 * `startDemo(options)`: the whole jupay flow in one process: the gateway simulator, the signer (SQLite in the data
 * folder, the simulator's demo merchant, a fast reconciliation schedule, a webhook to the shop) and the shop's web
 * server. `start.ts` runs it on fixed ports for people; the end-to-end tests run it on free ports.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { createGatewaySim, DEMO_MERCHANT, type GatewaySimControls } from '@jupay/gateway-sim';
import {
  loadConfig,
  startServer,
  widgetSnippet,
  type OrderStore,
  type Signer,
  type WidgetSnippet,
} from '@jupay/signer';
import type { Server } from 'node:http';
import { resolvePort } from './ports.ts';
import { createShopApp } from './shop-app.ts';
import { createWebhookLog, type WebhookLog } from './webhook-log.ts';

/** The default data folder: `apps/demo/data` (gitignored), kept between runs. */
export const DEFAULT_DATA_DIR = fileURLToPath(new URL('../data/', import.meta.url));
/** The default ports: gateway 4100, signer 4200, shop 4300. */
export const DEFAULT_PORTS = { gateway: 4100, signer: 4200, demo: 4300 } as const;
/** The demo webhook secret (not a secret: this is a demo; a real shop generates its own). */
export const DEMO_WEBHOOK_SECRET = 'jupay-demo-webhook-secret-not-for-production';
/** The bank codes the demo offers. */
export const DEMO_BANK_CODES = '902,903,904,907';
/** Fast, so a dropped notification is caught within seconds in the demo. */
export const DEMO_RECONCILE_SCHEDULE = '5s,15s,30s,1m,3m,10m,30m,1h';

/** Options of {@link startDemo}; everything optional. */
export interface DemoOptions {
  /** 0 = any free port. Default {@link DEFAULT_PORTS}. */
  ports?: { gateway?: number; signer?: number; demo?: number };
  host?: string;
  /** Where the SQLite file and the webhook log live. Default {@link DEFAULT_DATA_DIR}. */
  dataDir?: string;
  /** The signer's log level; default `warn` (pino JSON lines on stdout). */
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** `JUPAY_RECONCILE_SCHEDULE`; default {@link DEMO_RECONCILE_SCHEDULE}. */
  reconcileSchedule?: string;
  /** Gateway re-sends after an unacknowledged notification; default 3 every 10 s (the gateway document). */
  resendIntervalMs?: number;
  /** Extra signer settings (`JUPAY_*`), applied last; tests raise the rate limits with it. */
  signerEnv?: Record<string, string>;
}

/** The running demo. */
export interface RunningDemo {
  urls: {
    /** The shop page: open this. */
    shop: string;
    returnPage: string;
    webhook: string;
    gateway: string;
    signer: string;
  };
  /** The simulator's controls: faults, pay/cancel, the notification log. */
  sim: GatewaySimControls;
  signer: Signer;
  /** The signer's order store (orders, notification log, anomalies, outbox). */
  store: OrderStore;
  webhooks: WebhookLog;
  dataDir: string;
  /** The snippet for the bundle currently built (null when not built). */
  snippet(): WidgetSnippet | null;
  /** Stops the shop, the signer (gracefully; the SQLite file is closed) and the simulator. Idempotent. */
  close(): Promise<void>;
}

function listenError(error: unknown, what: string, port: number, envName: string): Error {
  // The signer wraps listen failures in an error naming its own setting; the socket error is its cause.
  const cause = (error as { cause?: unknown }).cause;
  const code = (error as NodeJS.ErrnoException).code ?? (cause as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') {
    return new Error(
      `${what} port ${port} is in use (another demo still running?). Stop it or set ${envName}=<port>.`,
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Starts the gateway simulator, the signer and the shop.
 *
 * @example
 * const demo = await startDemo({ ports: { gateway: 0, signer: 0, demo: 0 }, dataDir: tmp, logLevel: 'silent' });
 * console.log(demo.urls.shop);
 * await demo.close();
 */
export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const host = options.host ?? '127.0.0.1';
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  mkdirSync(dataDir, { recursive: true });
  const wanted = { ...DEFAULT_PORTS, ...options.ports };
  const ports = {
    gateway: await resolvePort(wanted.gateway, host),
    signer: await resolvePort(wanted.signer, host),
    demo: await resolvePort(wanted.demo, host),
  };
  const urlOf = (port: number) => `http://${host}:${port}`;
  const gatewayUrl = urlOf(ports.gateway);
  const signerUrl = urlOf(ports.signer);
  const shopUrl = urlOf(ports.demo);

  const cleanups: (() => Promise<void>)[] = [];
  const close = async () => {
    // Reverse order: the shop first (no new payments), then the signer (finishes requests, stops its loops,
    // closes the database), then the gateway.
    while (cleanups.length > 0) {
      const cleanup = cleanups.pop()!;
      await cleanup().catch(() => {});
    }
  };

  try {
    const sim = createGatewaySim({
      merchants: [DEMO_MERCHANT],
      resendIntervalMs: options.resendIntervalMs ?? 10_000,
    });
    const runningSim = await sim.start({ port: ports.gateway, hostname: host }).catch((error: unknown) => {
      throw listenError(error, 'The gateway simulator', ports.gateway, 'GATEWAY_PORT');
    });
    cleanups.push(() => runningSim.close());

    const config = loadConfig({
      JUPAY_MEMBER_ID: DEMO_MERCHANT.memberId,
      JUPAY_KEY: DEMO_MERCHANT.key,
      JUPAY_GATEWAY_URL: `${gatewayUrl}/Pay_Index.html`,
      JUPAY_PUBLIC_URL: signerUrl,
      JUPAY_ALLOWED_ORIGINS: shopUrl,
      JUPAY_BANK_CODES: DEMO_BANK_CODES,
      JUPAY_AMOUNT_MIN: '0.01',
      JUPAY_AMOUNT_MAX: '5000',
      JUPAY_AMOUNT_PRESETS: '6,30,68,128',
      JUPAY_PRODUCT_NAME: '星河币充值',
      JUPAY_RETURN_URL: `${shopUrl}/return`,
      // The gateway's cancel (back) link: the shop itself; the signer adds ?lang= in the shopper's language.
      JUPAY_CANCEL_URL: `${shopUrl}/`,
      JUPAY_STORE: join(dataDir, 'signer.db'),
      PORT: String(ports.signer),
      HOST: host,
      JUPAY_LOG_LEVEL: options.logLevel ?? 'warn',
      JUPAY_RECONCILE_SCHEDULE: options.reconcileSchedule ?? DEMO_RECONCILE_SCHEDULE,
      JUPAY_WEBHOOK_URL: `${shopUrl}/webhook`,
      JUPAY_WEBHOOK_SECRET: DEMO_WEBHOOK_SECRET,
      ...options.signerEnv,
    });

    const webhooks = createWebhookLog(join(dataDir, 'webhook-events.jsonl'));
    const snippet = () => widgetSnippet(signerUrl);

    // The shop listens before the signer starts: the signer's webhook sender may deliver events left in the outbox
    // by the previous run as soon as it starts.
    const shop = createShopApp({
      signerUrl,
      gatewayUrl,
      snippet,
      webhookSecret: DEMO_WEBHOOK_SECRET,
      webhooks,
    });
    const shopServer = await new Promise<Server>((resolve, reject) => {
      const server = serve({ fetch: shop.fetch, port: ports.demo, hostname: host }, () =>
        resolve(server as Server),
      ) as Server;
      server.once('error', (error) => reject(listenError(error, 'The demo shop', ports.demo, 'DEMO_PORT')));
    });
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          shopServer.closeAllConnections();
          shopServer.close(() => resolve());
        }),
    );

    const running = await startServer(config, {}).catch((error: unknown) => {
      throw listenError(error, 'The signer', ports.signer, 'SIGNER_PORT');
    });
    cleanups.push(() => running.close(2000));
    const signer = running.signer;

    return {
      urls: {
        shop: `${shopUrl}/`,
        returnPage: `${shopUrl}/return`,
        webhook: `${shopUrl}/webhook`,
        gateway: gatewayUrl,
        signer: signerUrl,
      },
      sim: sim.controls,
      signer,
      store: signer.store,
      webhooks,
      dataDir,
      snippet,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
