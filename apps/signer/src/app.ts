/**
 * @module app
 * `createSigner(config, deps?)`: the signer's Hono app plus its lifecycle.
 *
 * Shape (for embedders and for the background work of issue 5):
 * - `signer.app` is a plain Hono app: mount it (`host.route('/', signer.app)`) or serve it (`server.ts`).
 * - The store is `deps.store` when given (tests, embedders), else opened lazily from `config.store` on first use.
 * - Background loops (reconciliation, webhook outbox) are {@link SignerService}s: pass them in `deps.services`,
 *   or push them onto `signer.services` before `start()`. `start()` opens and migrates the store, then starts each
 *   service in order; `stop()` stops them in reverse order, then closes the store if the signer opened it.
 *   (The spot where createSigner builds default services from the config is marked "SERVICES" below.)
 * - Payments are applied only through `applyPayment` (orders/apply-payment.ts), which the reconciliation loop
 *   reuses: one conditional write plus the outbox event.
 *
 * Handlers sit inline after their path; every thrown error becomes JSON in the one `app.onError`.
 */
import {
  createPaymentRequest,
  JupayError,
  NotificationError,
  newOrderId,
  parseNotification,
  SignatureError,
  type Credentials,
  type Notification,
} from '@jupay/core';
import { Hono, type Context } from 'hono';
import type { DestinationStream } from 'pino';
import type { SignerConfig } from './config/load-config.ts';
import { HttpError } from './errors.ts';
import { clientAddress } from './http/client-address.ts';
import { browserCors } from './http/cors.ts';
import { createRateLimiter, enforceRateLimit } from './http/rate-limit.ts';
import { readBodyText } from './http/read-body.ts';
import { readFields } from './http/read-fields.ts';
import { setResponseHeader } from './http/response-header.ts';
import { createLogger, requestLogger, type Logger, type LogVariables } from './log.ts';
import { applyPayment } from './orders/apply-payment.ts';
import { checkoutBodyHash, parseCheckoutInput } from './orders/checkout-input.ts';
import { lazyStore } from './store/lazy-store.ts';
import { openStore } from './store/open-store.ts';
import {
  IdempotencyConflictError,
  StoreUnavailableError,
  UNVERIFIED_BODY_LIMIT,
  type OrderRecord,
  type OrderStore,
} from './store/order-store.ts';
import { createRetention, type RetentionOptions } from './store/retention.ts';
import { createBackground } from './reconcile/background.ts';
import { createWidgetRoutes } from './widget/widget-routes.ts';
import { callbackUrlFor, cancelUrlFor, returnLocation } from './widget/round-trip.ts';

/** A background job with a lifecycle, started after the store is ready and stopped before it closes. */
export interface SignerService {
  name: string;
  start(): void | Promise<void>;
  stop(): void | Promise<void>;
}

/** What a caller may inject; every field is optional. */
export interface SignerDeps {
  /** A ready (migrated) store. Default: `openStore(config.store)` on first use, closed by `stop()`. */
  store?: OrderStore;
  /** The time source for orders, payments and rate limits. */
  clock?: () => Date;
  /** A pino logger; default: one at `config.logLevel` writing to `logDestination` or stdout. */
  logger?: Logger;
  /** Where the default logger writes (tests capture lines here). */
  logDestination?: DestinationStream;
  /** Order ids; default `newOrderId` of @jupay/core. */
  newOrderId?: (now: Date) => string;
  /** Background services started by `start()`. */
  services?: SignerService[];
  /**
   * Called once per order, in the instance that made it paid (notification or reconciliation), for merchants who
   * embed the app. Not awaited by the notify route; errors are logged. For delivery that survives restarts, use
   * the webhook (`JUPAY_WEBHOOK_URL`).
   */
  onPaid?: (order: OrderRecord) => void | Promise<void>;
  /** Retention of unverified notifications (default 30 days) and how often it is enforced (store/retention.ts). */
  retention?: RetentionOptions;
}

/** The signer: the app, its collaborators, and the lifecycle. */
export interface Signer {
  app: Hono<{ Variables: LogVariables }>;
  config: SignerConfig;
  store: OrderStore;
  logger: Logger;
  clock: () => Date;
  /** Started in order by `start()`, stopped in reverse by `stop()`. */
  services: SignerService[];
  start(): Promise<void>;
  stop(): Promise<void>;
}

const ORDER_ID = /^[A-Za-z0-9]{1,32}$/;
/** Seconds a client is asked to wait after `STORE_UNAVAILABLE`. */
const STORE_RETRY_AFTER_S = 5;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

/**
 * Creates the signer for a validated configuration (see `loadConfig`).
 * @example
 * const signer = createSigner(loadConfig(process.env));
 * await signer.start();
 * serve({ fetch: signer.app.fetch, port: signer.config.port });
 */
export function createSigner(config: SignerConfig, deps: SignerDeps = {}): Signer {
  const clock = deps.clock ?? (() => new Date());
  const logger =
    deps.logger ??
    createLogger({
      level: config.logLevel,
      secrets: [config.key, config.webhookSecret],
      ...(deps.logDestination ? { destination: deps.logDestination } : {}),
    });
  const ownsStore = deps.store === undefined;
  const store = deps.store ?? lazyStore(() => openStore(config.store));
  const makeOrderId = deps.newOrderId ?? newOrderId;
  const credentials: Credentials = { memberId: config.memberId, key: config.key };
  const services: SignerService[] = [...(deps.services ?? [])];
  // SERVICES (issue 5): the reconciliation loop and the webhook outbox sender, built from the config.
  const background = createBackground({
    config,
    store,
    logger,
    clock,
    ...(deps.onPaid ? { onPaid: deps.onPaid } : {}),
  });
  services.push(...background.services);
  services.push(
    createRetention({
      store,
      clock,
      logger,
      unverifiedNotificationDays: config.unverifiedRetentionDays,
      ...deps.retention,
    }),
  );

  const now = () => clock().getTime();
  const checkoutLimiter = createRateLimiter({
    limit: config.rateLimit.checkout,
    windowMs: config.rateLimit.windowMs,
    clock: now,
  });
  const statusLimiter = createRateLimiter({
    limit: config.rateLimit.status,
    windowMs: config.rateLimit.windowMs,
    clock: now,
  });
  const gatewayOrigin = new URL(config.paymentUrl).origin;
  const configBody = JSON.stringify({
    currency: 'CNY',
    gateway: gatewayOrigin,
    methods: config.methods.map((m) => ({ code: m.code, name: m.name, nameEn: m.nameEn })),
    amount: {
      minFen: config.amount.minFen,
      maxFen: config.amount.maxFen,
      presetsFen: config.amount.presetsFen,
    },
    products: config.products?.map((p) => ({ id: p.id, name: p.name, amountFen: p.amountFen })) ?? null,
  });

  const app = new Hono<{ Variables: LogVariables }>();
  app.use(requestLogger(logger));
  app.use((c, next) => {
    // Before next(), never after: a header added to a finished response makes the Node adapter rebuild it as a
    // web Response (measured: about 4x slower on small routes). See http/response-header.ts.
    setResponseHeader(c, 'X-Content-Type-Options', 'nosniff');
    return next();
  });
  const cors = browserCors(config.allowedOrigins, { clock: now });
  app.use('/api/config', cors);
  app.use('/api/checkout', cors);
  app.use('/api/orders/*', cors);

  app.get('/api/config', (c) => {
    return c.body(configBody, 200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'public, max-age=60',
    });
  });

  app.post('/api/checkout', async (c) => {
    enforceRateLimit(checkoutLimiter, clientAddress(c, config.trustedProxyHeader));
    const idempotencyKey = c.req.header('idempotency-key');
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new HttpError('INVALID_REQUEST', 'Idempotency-Key must be 1 to 128 printable ASCII characters');
    }
    const input = parseCheckoutInput(await readFields(c, config.bodyLimitBytes), config);
    const createdAt = clock();
    const orderId = makeOrderId(createdAt);
    // Everything the gateway sees is decided here: id, apply date, URLs from the config, never from the request.
    const request = createPaymentRequest(
      {
        paymentUrl: config.paymentUrl,
        orderId,
        amount: input.amountFen,
        bankCode: input.bankCode,
        allowedBankCodes: config.methods.map((m) => m.code),
        notifyUrl: config.notifyUrl,
        callbackUrl: callbackUrlFor(config.callbackUrl, input.lang),
        productUrl: cancelUrlFor(config.cancelUrl, input.lang),
        productName: input.productName,
        ...(input.attach !== null ? { attach: input.attach } : {}),
        applyDate: createdAt,
      },
      credentials,
    );
    const firstQuery = config.reconcileSchedule[0];
    const result = await store.createOrder({
      orderId,
      memberId: config.memberId,
      amountFen: input.amountFen,
      bankCode: input.bankCode,
      productName: input.productName,
      attach: input.attach,
      createdAt,
      nextQueryAt: firstQuery === undefined ? null : new Date(createdAt.getTime() + firstQuery),
      requestFields: request.fields,
      ...(idempotencyKey !== undefined
        ? { idempotency: { key: idempotencyKey, bodyHash: checkoutBodyHash(input) } }
        : {}),
    });
    const id = result.order.orderId;
    if (!result.created) setResponseHeader(c, 'Idempotent-Replayed', 'true');
    setResponseHeader(c, 'Cache-Control', 'no-store');
    return c.json(
      {
        orderId: id,
        action: config.paymentUrl,
        method: 'POST' as const,
        fields: result.requestFields,
        statusUrl: `${config.publicUrl}/api/orders/${id}`,
      },
      201,
    );
  });

  // The gateway's server calls this (POST form, sometimes GET): not a browser route, so no CORS and no rate limit.
  // Reply exactly "OK" only after the write is durable; anything else is "FAIL", which cannot contain "ok".
  app.on(['GET', 'POST'], '/api/notify', async (c) => {
    const log = c.get('log');
    let raw: string;
    try {
      raw = c.req.method === 'GET' ? rawQuery(c.req.url) : await readBodyText(c, config.bodyLimitBytes);
    } catch (error) {
      if (error instanceof HttpError) return fail(c, error.status, error.code.toLowerCase());
      throw error;
    }
    const receivedAt = clock();
    const record = async (orderId: string | null, verdict: string): Promise<boolean> => {
      try {
        await store.recordNotification({ orderId, rawBody: raw, verdict, receivedAt });
        return true;
      } catch (error) {
        log.error({ err: error, verdict }, 'could not record the notification');
        return false;
      }
    };
    // Not signed with our key: anyone can send these, as many as they like. So only the start of the body is kept,
    // and the order id it names is only a claim, filed apart from the orders' verified log.
    const recordUnverified = async (claimedOrderId: string | null, verdict: string): Promise<void> => {
      const { text, truncated } = truncateUtf8(raw, UNVERIFIED_BODY_LIMIT);
      try {
        await store.recordNotification({
          orderId: null,
          claimedOrderId,
          rawBody: text,
          bodyTruncated: truncated,
          verdict,
          receivedAt,
        });
      } catch (error) {
        log.error({ err: error, verdict }, 'could not record the notification');
      }
    };

    let notification: Notification;
    try {
      notification = parseNotification(raw, credentials);
    } catch (error) {
      const claimed = claimedOrderId(raw);
      if (error instanceof NotificationError) {
        // Genuinely signed with our key, yet not acceptable (another member id, or not a success).
        const verdict = error.code === 'MEMBER_MISMATCH' ? 'member_mismatch' : 'not_success';
        if (claimed !== null && (await store.getOrder(claimed))) {
          await store.recordAnomaly({
            orderId: claimed,
            kind: verdict,
            detail:
              verdict === 'member_mismatch'
                ? `notification for member ${String(error.notification.memberid).slice(0, 20)}`
                : `notification returncode ${String(error.notification.returncode).slice(0, 20)}`,
            at: receivedAt,
          });
        }
        await record(claimed, verdict);
        log.warn({ orderId: claimed, verdict }, 'notification refused');
        return fail(c, 400, verdict);
      }
      if (error instanceof JupayError) {
        const verdict = error instanceof SignatureError ? 'bad_signature' : 'malformed';
        await recordUnverified(claimed, verdict);
        log.warn({ orderId: claimed, verdict, code: error.code, field: error.field }, 'notification refused');
        return fail(c, 400, verdict);
      }
      throw error;
    }

    let outcome: Awaited<ReturnType<typeof applyPayment>>['outcome'];
    let paidOrder: OrderRecord | null;
    try {
      ({ outcome, order: paidOrder } = await applyPayment(
        store,
        {
          orderId: notification.orderId,
          transactionId: notification.transactionId,
          amountFen: notification.amountFen,
          via: 'notify',
        },
        { now: receivedAt },
      ));
    } catch (error) {
      // Not written, so not acknowledged: the gateway (or the reconciliation loop) will bring it back.
      log.error({ err: error, orderId: notification.orderId }, 'could not apply the notification');
      return fail(c, 500, 'store_error');
    }
    const verdict = {
      paid: 'paid',
      already_paid: 'duplicate',
      amount_mismatch: 'amount_mismatch',
      not_found: 'unknown_order',
    }[outcome];
    const recorded = await record(notification.orderId, verdict);
    // A duplicate's "already paid" came from a read; the log write's durable commit is what proves that state is
    // on disk (see store/sqlite-group-commit.ts). Without it, no OK: the gateway or reconciliation comes back.
    if (outcome === 'already_paid' && !recorded) return fail(c, 500, 'store_error');
    // Issue 5: onPaid and an immediate webhook send; not awaited, so the gateway's OK never waits on the merchant.
    if (outcome === 'paid' && paidOrder) void background.orderPaid(paidOrder);
    if (outcome === 'paid' || outcome === 'already_paid') {
      log.info({ orderId: notification.orderId, verdict }, 'notification applied');
      // No status argument: Hono's fast path for a plain 200 text.
      return c.text('OK');
    }
    log.warn({ orderId: notification.orderId, verdict }, 'notification refused');
    return fail(c, 400, verdict);
  });

  // The browser coming back from the gateway. Only a verified order id of ours is passed on; the target is always
  // the configured return page, so this can never redirect anywhere else.
  app.on(['GET', 'POST'], ['/api/return', '/api/return/:lang'], async (c) => {
    let orderId: string | null = null;
    try {
      let raw = '';
      if (c.req.method === 'GET') raw = rawQuery(c.req.url);
      else if (
        (c.req.header('content-type') ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')
      ) {
        raw = await readBodyText(c, config.bodyLimitBytes);
      }
      if (raw !== '') {
        const n = parseNotification(raw, credentials);
        if (await store.getOrder(n.orderId)) orderId = n.orderId;
      }
    } catch (error) {
      if (!(error instanceof JupayError) && !(error instanceof HttpError)) throw error;
      c.get('log').warn({ code: error.code }, 'unverifiable return');
    }
    setResponseHeader(c, 'Cache-Control', 'no-store');
    return c.redirect(returnLocation(config.returnUrl, orderId, c.req.param('lang')), 303);
  });

  app.get('/api/orders/:orderId', async (c) => {
    enforceRateLimit(statusLimiter, clientAddress(c, config.trustedProxyHeader));
    const orderId = c.req.param('orderId');
    const order = ORDER_ID.test(orderId) ? await store.getOrder(orderId) : null;
    if (!order) throw new HttpError('ORDER_NOT_FOUND', 'no such order');
    // Issue 5: a pending order may trigger one gateway query (at most once per order per 30 s), in the background.
    if (order.status === 'NOTPAY') background.requestCheck(order.orderId);
    setResponseHeader(c, 'Cache-Control', 'no-store');
    return c.json({
      orderId: order.orderId,
      status: order.status,
      amountFen: order.amountFen,
      bankCode: order.bankCode,
      createdAt: order.createdAt.toISOString(),
      paidAt: order.paidAt?.toISOString() ?? null,
      checkedAt: background.checkedAt(order.orderId)?.toISOString() ?? null,
    });
  });

  app.get('/healthz', async (c) => {
    const storeOk = await store.ping();
    setResponseHeader(c, 'Cache-Control', 'no-store');
    return c.json({ status: storeOk ? 'ok' : 'degraded', store: storeOk }, storeOk ? 200 : 503);
  });

  // GET /pay-button.js: the widget bundle, public (CORS *), cached by content hash (widget/widget-routes.ts).
  app.route('/', createWidgetRoutes());

  app.notFound(() => {
    throw new HttpError('NOT_FOUND', 'no such route');
  });

  app.onError((error, c) => {
    const mapped = toHttpError(error);
    if (mapped.code === 'STORE_UNAVAILABLE') {
      // For the operator: the cause (connection refused, disk full, ...) is in `err`.
      c.get('log')?.error({ err: error }, 'store unavailable');
    } else if (mapped.status >= 500) {
      c.get('log')?.error({ err: error }, 'unhandled error');
    }
    return c.json({ error: { code: mapped.code, message: mapped.message } }, mapped.status, mapped.headers);
  });

  let started = false;
  return {
    app,
    config,
    store,
    logger,
    clock,
    services,
    async start() {
      if (started) return;
      await store.migrate();
      for (const service of services) {
        await service.start();
        logger.info({ job: service.name }, 'service started');
      }
      started = true;
    },
    async stop() {
      for (const service of [...services].reverse()) {
        try {
          await service.stop();
        } catch (error) {
          logger.error({ err: error, job: service.name }, 'service did not stop cleanly');
        }
      }
      started = false;
      if (ownsStore) await store.close();
    },
  };
}

function fail(c: Context, status: number, verdict: string): Response {
  setResponseHeader(c, 'X-Notify-Verdict', verdict);
  return c.text('FAIL', status as 400);
}

function rawQuery(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? '' : url.slice(q + 1);
}

/**
 * The first `limit` bytes of `text` in UTF-8, cut before a character that would not fit whole.
 * @example
 * truncateUtf8('a'.repeat(600), 512); // { text: 'aaa…' (512 a), truncated: true }
 */
function truncateUtf8(text: string, limit: number): { text: string; truncated: boolean } {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= limit) return { text, truncated: false };
  let end = limit;
  // A byte of the form 0b10______ continues a character (RFC 3629 section 3): step back to where it starts.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end -= 1;
  return { text: bytes.subarray(0, end).toString('utf8'), truncated: true };
}

/** The order id an unverified notification claims, for the log only; null unless it looks like one of ours. */
function claimedOrderId(raw: string): string | null {
  const match = /(?:^|&)orderid=([A-Za-z0-9]{1,32})(?:&|$)/.exec(raw);
  return match ? match[1]! : null;
}

/** Every error becomes a stable code; anything unexpected is INTERNAL with a generic message. */
function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof IdempotencyConflictError)
    return new HttpError('IDEMPOTENCY_KEY_REUSED', error.message);
  if (error instanceof StoreUnavailableError) {
    // The store's own message may name a host or a path: the caller only learns that it may try again.
    return new HttpError(
      'STORE_UNAVAILABLE',
      'orders cannot be stored or read right now; try again shortly',
      {
        'Retry-After': String(STORE_RETRY_AFTER_S),
      },
    );
  }
  if (error instanceof JupayError) {
    switch (error.code) {
      case 'INVALID_AMOUNT':
        return new HttpError('INVALID_AMOUNT', error.message);
      case 'AMOUNT_TOO_LARGE':
        return new HttpError('AMOUNT_OUT_OF_RANGE', error.message);
      case 'BANK_CODE_NOT_ALLOWED':
      case 'INVALID_BANK_CODE':
        return new HttpError('BANK_CODE_NOT_OFFERED', error.message);
      case 'UNSAFE_CHARACTER':
      case 'MISSING_FIELD':
      case 'INVALID_FIELD':
      case 'DUPLICATE_FIELD':
      case 'MALFORMED_ENCODING':
        return new HttpError('INVALID_REQUEST', error.message);
      default:
        break;
    }
  }
  return new HttpError('INTERNAL', 'internal error');
}
