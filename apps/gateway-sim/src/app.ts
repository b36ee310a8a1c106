/**
 * @module app
 * The simulated gateway: `createGatewaySim(options)` returns the Hono app, its controls (for tests) and `start()`.
 * Gateway routes are the deployed ones (`/Pay_Index.html`, `/Pay_Trade_query.html`); everything the simulator adds
 * (cashier actions, admin API, the auto-submit script) lives under `/__sim/`, which no gateway route can use.
 */
import { serve } from '@hono/node-server';
import { BANK_CODES, type BankCodeInfo, bankCodeInfo, type Fields } from '@jupay/core';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Availability, isGatewayPath, UP, validateAvailability } from './availability.ts';
import {
  type Behaviour,
  DEFAULT_BEHAVIOUR,
  FaultBook,
  type FaultEntry,
  type Faults,
  type FaultTarget,
  validateFaults,
} from './faults.ts';
import { errorResponse, gatewayError } from './gateway-error.ts';
import { DEMO_MERCHANT, type Merchant, validateMerchants } from './merchants.ts';
import { type NotificationAttempt, Notifier, resultFields } from './notifier.ts';
import { type Order, OrderBook } from './orders.ts';
import {
  AUTO_SUBMIT_PATH,
  AUTO_SUBMIT_SCRIPT,
  cancelledPage,
  cashierPage,
  messagePage,
  paidPage,
  returnPage,
} from './pages.ts';
import { checkPaymentRequest } from './payment.ts';
import { parsePhpForm } from './php-form.ts';
import { answerQuery } from './query.ts';

/** Options of {@link createGatewaySim}. */
export interface GatewaySimOptions {
  /** Merchant accounts; default: the public demo merchant 10002. */
  merchants?: readonly Merchant[];
  /** Enabled bank codes; default: the document's 901-910. */
  bankCodes?: readonly BankCodeInfo[];
  /** Re-sends after an unacknowledged notification, 0-3; default 3 (the document). */
  resendCount?: number;
  /** Time between re-sends; default 10 s, as the document says. Tests pass a few milliseconds. */
  resendIntervalMs?: number;
  /** How long to wait for the merchant's reply; default 10 s like the gateway. */
  notifyTimeoutMs?: number;
  /** Require exactly `OK` instead of any body containing `ok`; default false (deployed behaviour). */
  strictOk?: boolean;
  /** Request body limit in bytes; default 64 KB. Larger bodies get 413. */
  maxBodyBytes?: number;
  /** The gateway's condition at start (down, slow); default up and answering at once (availability.ts). */
  availability?: Partial<Availability>;
}

/** What paying an order did. */
export interface PayResult {
  order: Order;
  /** The page return the browser is sent to (null without `pay_callbackurl`). */
  callback: { url: string; fields: Fields } | null;
  /** Settles when this delivery (first attempt, duplicates, re-sends) is over. */
  delivery: Promise<NotificationAttempt[]>;
}

/** The programmatic side of the simulator, for tests. */
export interface GatewaySimControls {
  /** Pays an order (by merchant order id or transaction id), exactly as the cashier's pay button does. */
  pay(id: string, memberId?: string): Promise<PayResult>;
  /** Cancels like the cashier's cancel button: the order stays unpaid. */
  cancel(id: string, memberId?: string): Order;
  /** Manual re-send (补发) of a paid order's notification. */
  resend(id: string, memberId?: string): Promise<NotificationAttempt[]>;
  order(id: string, memberId?: string): Order | undefined;
  orders(): Order[];
  /** The notification log, optionally for one merchant order id. */
  notifications(orderId?: string): NotificationAttempt[];
  /** Resolves when at least `count` attempts for `orderId` are logged; rejects after `timeoutMs` (default 5 s). */
  waitForNotifications(orderId: string, count?: number, timeoutMs?: number): Promise<NotificationAttempt[]>;
  /** Merges fault switches for every order, a merchant (`{ memberId }`) or an order id (`{ orderId }`). */
  setFaults(faults: Faults, target?: FaultTarget): FaultEntry;
  clearFaults(target?: FaultTarget): void;
  faults(): FaultEntry[];
  /** The behaviour an order of this merchant would get now (options + faults). */
  behaviour(memberId: string, orderId: string): Behaviour;
  merchants(): Merchant[];
  /**
   * Takes the whole gateway down or slows it (availability.ts), merged into the current condition. Resolves once
   * it holds: with `down: 'refused'` the listeners are closed, and reopened on the same ports when it is lifted.
   */
  setAvailability(change: Partial<Availability>): Promise<Availability>;
  /** The gateway's condition now. */
  availability(): Availability;
  /** Forgets orders, notifications and faults, and stops pending deliveries; the availability is kept. */
  reset(): void;
}

/** A running simulator. */
export interface RunningGatewaySim {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** What {@link createGatewaySim} returns. */
export interface GatewaySim {
  app: Hono;
  controls: GatewaySimControls;
  /** Listens on `127.0.0.1` (port 0 = a free port by default). */
  start(options?: { port?: number; hostname?: string }): Promise<RunningGatewaySim>;
}

/** A server start() made, and the address it reopens on when a `refused` outage ends. */
interface Listener {
  server: Server;
  port: number;
  hostname: string;
  open: boolean;
}

/** Stops accepting and cuts every open connection, so new ones are refused and pending ones fail. */
function closeListener(listener: Listener): Promise<void> {
  if (!listener.open) return Promise.resolve();
  listener.open = false;
  return new Promise((done) => {
    listener.server.close(() => done());
    listener.server.closeAllConnections();
  });
}

/** Listens again on the same address (the port is kept: clients were configured with it). */
function reopenListener(listener: Listener): Promise<void> {
  if (listener.open) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const failed = (error: Error) => reject(error);
    listener.server.once('error', failed);
    listener.server.listen(listener.port, listener.hostname, () => {
      listener.server.off('error', failed);
      listener.open = true;
      resolve();
    });
  });
}

class NotFoundError extends Error {}
class BadRequestError extends Error {}

const HTML = 'text/html; charset=utf-8';

function serializeOrder(order: Order) {
  return {
    ...order,
    createdAt: order.createdAt.toISOString(),
    paidAt: order.paidAt?.toISOString() ?? null,
    cancelledAt: order.cancelledAt?.toISOString() ?? null,
  };
}

/** PHP's entity decoding of a stored (filtered) URL, for a Location header, which is not HTML. */
function unescapeStored(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#039;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

async function readFields(c: Context): Promise<Fields> {
  // PHP's $_REQUEST: the query string, overridden by the body; only form bodies fill $_POST.
  const url = new URL(c.req.url);
  const fields: Fields = parsePhpForm(url.search.slice(1));
  if (c.req.method !== 'POST') return fields;
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  if (type.startsWith('application/x-www-form-urlencoded')) {
    Object.assign(fields, parsePhpForm(await c.req.text()));
  } else if (type.startsWith('multipart/form-data')) {
    try {
      const form = await c.req.raw.formData();
      for (const [name, value] of form)
        if (typeof value === 'string' && !name.includes('[')) fields[name] = value;
    } catch {
      // A malformed multipart body leaves $_POST empty, as PHP does.
    }
  } else {
    await c.req.text(); // read it (enforces the size limit); PHP ignores other bodies
  }
  return fields;
}

/**
 * Creates a simulated gateway.
 *
 * @example
 * const sim = createGatewaySim({ resendIntervalMs: 50 });
 * const running = await sim.start();
 * // post a signed form to `${running.url}/Pay_Index.html`, then:
 * await sim.controls.pay('E20240301120000654321');
 * await sim.controls.waitForNotifications('E20240301120000654321', 1);
 * await running.close();
 */
export function createGatewaySim(options: GatewaySimOptions = {}): GatewaySim {
  const merchantList = validateMerchants(options.merchants ?? [DEMO_MERCHANT]);
  const merchants = new Map(merchantList.map((m) => [m.memberId, m]));
  const bankCodes = [...(options.bankCodes ?? BANK_CODES)];
  const defaults: Behaviour = { ...DEFAULT_BEHAVIOUR };
  try {
    Object.assign(
      defaults,
      validateFaults({
        resendCount: options.resendCount,
        resendIntervalMs: options.resendIntervalMs,
        strictOk: options.strictOk,
      }),
    );
  } catch (error) {
    // Same rules as the fault switches (re-sends 0 to 3), but named as the option the caller passed.
    throw new TypeError((error as Error).message.replace(/^faults\./, 'options.'));
  }
  const faultBook = new FaultBook();
  const orders = new OrderBook();
  const notifier = new Notifier({ timeoutMs: options.notifyTimeoutMs ?? 10_000 });
  const behaviour = (memberId: string, orderId: string) => faultBook.resolve(defaults, memberId, orderId);
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024;
  let condition: Availability = { ...UP, ...validateAvailability(options.availability ?? {}) };
  // The servers start() made, so `down: 'refused'` can close them and reopen them on the same address.
  const listeners = new Set<Listener>();

  const mustFind = (id: string, memberId?: string): Order => {
    const order = orders.lookup(id, memberId);
    if (!order) throw new NotFoundError(`no order ${id}${memberId ? ` of merchant ${memberId}` : ''}`);
    return order;
  };
  const keyOf = (order: Order) => merchants.get(order.memberId)!.key;

  const pay = async (id: string, memberId?: string): Promise<PayResult> => {
    const order = mustFind(id, memberId);
    // Paying again re-notifies: the real gateway notifies on every upstream callback, even for paid orders.
    if (order.status !== 'SUCCESS') {
      order.status = 'SUCCESS';
      order.paidAt = new Date();
    }
    const b = behaviour(order.memberId, order.orderId);
    // The upstream callback notifies the merchant before the payer is sent back, so the first round is awaited
    // (re-sends are not), unless a delay or drop fault decouples them.
    let firstRoundDone!: () => void;
    const firstRound = new Promise<void>((resolve) => (firstRoundDone = resolve));
    const delivery = notifier.deliver(order, keyOf(order), b, 'first', firstRoundDone);
    await Promise.race([firstRound, delivery]);
    const callback = order.callbackUrl
      ? { url: order.callbackUrl, fields: resultFields(order, keyOf(order), b, new Date()) }
      : null;
    return { order, callback, delivery };
  };

  const cancel = (id: string, memberId?: string): Order => {
    const order = mustFind(id, memberId);
    if (order.status === 'NOTPAY') order.cancelledAt = new Date();
    return order;
  };

  const controls: GatewaySimControls = {
    pay,
    cancel,
    async resend(id, memberId) {
      const order = mustFind(id, memberId);
      if (order.status !== 'SUCCESS')
        throw new BadRequestError(`order ${id} is not paid: nothing to re-send`);
      return notifier.deliver(order, keyOf(order), behaviour(order.memberId, order.orderId), 'manual');
    },
    order: (id, memberId) => orders.lookup(id, memberId),
    orders: () => orders.list(),
    notifications: (orderId) => notifier.log.filter((a) => orderId === undefined || a.orderId === orderId),
    waitForNotifications: (orderId, count = 1, timeoutMs = 5000) =>
      notifier.waitFor(orderId, count, timeoutMs),
    setFaults: (faults, target) => faultBook.set(faults, target),
    clearFaults: (target) => faultBook.clear(target),
    faults: () => faultBook.list(),
    behaviour,
    merchants: () => merchantList.map((m) => ({ ...m })),
    async setAvailability(change) {
      const next = { ...condition, ...validateAvailability(change) };
      const wasRefused = condition.down === 'refused';
      condition = next;
      if (next.down === 'refused' && !wasRefused) await Promise.all([...listeners].map(closeListener));
      if (next.down !== 'refused' && wasRefused) await Promise.all([...listeners].map(reopenListener));
      return { ...condition };
    },
    availability: () => ({ ...condition }),
    reset() {
      orders.clear();
      notifier.reset();
      faultBook.clear();
    },
  };

  const app = new Hono();

  // The simulator's own pages need no inline script and no third-party resource; forms may post anywhere
  // (form-action is not limited), since the page return goes to the merchant.
  app.use('*', async (c, next) => {
    await next();
    c.res.headers.set(
      'Content-Security-Policy',
      "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'",
    );
    c.res.headers.set('X-Content-Type-Options', 'nosniff');
  });

  // The gateway's condition: a 503 from the proxy in front of it, or a slow answer. The admin API is not the
  // gateway and always answers at once.
  app.use('*', async (c, next) => {
    if (!isGatewayPath(c.req.path)) return next();
    if (condition.slowMs > 0) await new Promise((resolve) => setTimeout(resolve, condition.slowMs));
    if (condition.down === 'http-503') {
      return c.html('<h1>503 Service Unavailable</h1>', 503, { 'Retry-After': '30' });
    }
    return next();
  });

  app.use(
    '*',
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: (c) => c.text('413 Request Entity Too Large', 413),
    }),
  );

  app.post('/Pay_Index.html', async (c) => {
    const check = checkPaymentRequest(await readFields(c), {
      merchants,
      bankCodes,
      orders,
      behaviour,
    });
    if (!check.ok) return errorResponse(check.error);
    const order = orders.create(check.order);
    const base = `/__sim/cashier/${order.transactionId}`;
    return c.html(
      cashierPage({
        order,
        merchantName: check.merchant.name ?? `商户 ${check.merchant.memberId}`,
        method: bankCodeInfo(String(Number(order.bankCode) || order.bankCode), bankCodes),
        payAction: `${base}/pay`,
        cancelAction: `${base}/cancel`,
      }),
    );
  });

  // The document: "提交方式是 POST，请不要用 GET 方式提交". The message text is the simulator's own.
  app.on(['GET', 'HEAD', 'PUT', 'DELETE', 'PATCH'], '/Pay_Index.html', () =>
    errorResponse(gatewayError('请使用POST方式提交')),
  );

  app.on(['GET', 'POST'], '/Pay_Trade_query.html', async (c) => {
    const outcome = answerQuery(await readFields(c), { merchants, orders, behaviour });
    if (outcome.kind === 'error') return errorResponse(outcome.error);
    if (outcome.kind === 'http-500') return c.html('<h1>500 Internal Server Error</h1>', 500);
    // No JSON content type: the server echoes json_encode() into a text/html page.
    return c.body(JSON.stringify(outcome.body), 200, { 'Content-Type': HTML });
  });

  app.get(AUTO_SUBMIT_PATH, (c) =>
    c.body(AUTO_SUBMIT_SCRIPT, 200, {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'no-cache',
    }),
  );

  app.get('/__sim/cashier/:tx', (c) => {
    const order = orders.byTransactionId(c.req.param('tx'));
    if (!order) return c.html(messagePage('订单不存在', 'Order not found'), 404);
    if (order.status === 'SUCCESS') return c.html(paidPage(order));
    const merchant = merchants.get(order.memberId)!;
    const base = `/__sim/cashier/${order.transactionId}`;
    return c.html(
      cashierPage({
        order,
        merchantName: merchant.name ?? `商户 ${merchant.memberId}`,
        method: bankCodeInfo(String(Number(order.bankCode) || order.bankCode), bankCodes),
        payAction: `${base}/pay`,
        cancelAction: `${base}/cancel`,
      }),
    );
  });

  app.post('/__sim/cashier/:tx/pay', async (c) => {
    const order = orders.byTransactionId(c.req.param('tx'));
    if (!order) return c.html(messagePage('订单不存在', 'Order not found'), 404);
    const result = await pay(order.transactionId);
    // The server's setHtml posts to any action; a `javascript:` action would run in the gateway's origin, so the
    // simulator only builds the form for http(s) URLs.
    if (!result.callback || !/^https?:\/\//i.test(unescapeStored(result.callback.url)))
      return c.html(paidPage(order));
    return c.html(returnPage(result.callback.url, result.callback.fields));
  });

  app.post('/__sim/cashier/:tx/cancel', (c) => {
    const order = orders.byTransactionId(c.req.param('tx'));
    if (!order) return c.html(messagePage('订单不存在', 'Order not found'), 404);
    cancel(order.transactionId);
    const productUrl = unescapeStored(order.productUrl);
    if (/^https?:\/\//i.test(productUrl)) return c.redirect(productUrl, 303);
    return c.html(cancelledPage(order));
  });

  // ---- admin API ----
  const memberQuery = (c: Context) => c.req.query('memberId') || undefined;

  app.get('/__sim/merchants', (c) =>
    c.json(merchantList.map((m) => ({ memberId: m.memberId, name: m.name ?? null }))),
  );
  app.get('/__sim/orders', (c) => c.json(orders.list().map(serializeOrder)));
  app.get('/__sim/orders/:id', (c) => c.json(serializeOrder(mustFind(c.req.param('id'), memberQuery(c)))));
  app.post('/__sim/orders/:id/pay', async (c) => {
    const result = await pay(c.req.param('id'), memberQuery(c));
    const attempts = c.req.query('wait')
      ? await result.delivery
      : controls.notifications(result.order.orderId);
    return c.json({
      order: serializeOrder(result.order),
      callback: result.callback,
      notifications: attempts,
    });
  });
  app.post('/__sim/orders/:id/cancel', (c) =>
    c.json(serializeOrder(cancel(c.req.param('id'), memberQuery(c)))),
  );
  app.post('/__sim/orders/:id/notify', async (c) =>
    c.json({ notifications: await controls.resend(c.req.param('id'), memberQuery(c)) }),
  );
  app.get('/__sim/notifications', (c) => {
    const orderId = c.req.query('orderId');
    const memberId = memberQuery(c);
    return c.json(controls.notifications(orderId).filter((a) => !memberId || a.memberId === memberId));
  });
  app.get('/__sim/faults', (c) => c.json(faultBook.list()));
  app.post('/__sim/faults', async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw new BadRequestError('the body must be JSON: { "memberId"?, "orderId"?, "faults": { ... } }');
    }
    if (typeof body !== 'object' || body === null)
      throw new BadRequestError('the body must be a JSON object');
    const { memberId, orderId, faults } = body as { memberId?: unknown; orderId?: unknown; faults?: unknown };
    if (memberId !== undefined && typeof memberId !== 'string')
      throw new BadRequestError('memberId must be a string');
    if (orderId !== undefined && typeof orderId !== 'string')
      throw new BadRequestError('orderId must be a string');
    const target: FaultTarget = {};
    if (memberId !== undefined) target.memberId = memberId;
    if (orderId !== undefined) target.orderId = orderId;
    return c.json(faultBook.set(validateFaults(faults), target));
  });
  app.delete('/__sim/faults', (c) => {
    const orderId = c.req.query('orderId');
    const memberId = memberQuery(c);
    faultBook.clear(orderId !== undefined ? { orderId } : memberId !== undefined ? { memberId } : undefined);
    return c.json(faultBook.list());
  });
  app.get('/__sim/availability', (c) => c.json(controls.availability()));
  app.post('/__sim/availability', async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw new BadRequestError(
        'the body must be JSON: { "down"?: false | "refused" | "http-503", "slowMs"? }',
      );
    }
    return c.json(await controls.setAvailability(validateAvailability(body)));
  });
  app.post('/__sim/reset', (c) => {
    controls.reset();
    return c.json({ reset: true });
  });

  app.notFound((c) => c.text('404 Not Found', 404));
  app.onError((error, c) => {
    if (error instanceof NotFoundError)
      return c.json({ error: { code: 'NOT_FOUND', message: error.message } }, 404);
    if (error instanceof BadRequestError || error instanceof TypeError) {
      return c.json({ error: { code: 'BAD_REQUEST', message: error.message } }, 400);
    }
    console.error('[gateway-sim]', error);
    return c.json({ error: { code: 'INTERNAL', message: 'internal error' } }, 500);
  });

  const start = (listen: { port?: number; hostname?: string } = {}): Promise<RunningGatewaySim> =>
    new Promise((resolve, reject) => {
      const hostname = listen.hostname ?? '127.0.0.1';
      const server = serve({ fetch: app.fetch, port: listen.port ?? 0, hostname }, (info: AddressInfo) => {
        server.off('error', reject);
        const host = hostname.includes(':') ? `[${hostname}]` : hostname;
        const listener: Listener = { server: server as Server, port: info.port, hostname, open: true };
        listeners.add(listener);
        const finish = async () => {
          if (condition.down === 'refused') await closeListener(listener);
        };
        finish().then(
          () =>
            resolve({
              url: `http://${host}:${info.port}`,
              port: info.port,
              close: async () => {
                listeners.delete(listener);
                notifier.reset();
                await closeListener(listener);
              },
            }),
          reject,
        );
      });
      server.once('error', reject);
    });

  return { app, controls, start };
}
