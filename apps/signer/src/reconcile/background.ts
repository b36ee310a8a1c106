/**
 * @module reconcile/background
 * Wires the signer's background work from its configuration: the reconciliation loop, the webhook outbox sender
 * (when a webhook URL is set), and the in-process `onPaid` hook. `createSigner` calls this once and keeps its app
 * code to three calls: the services to start, `orderPaid` after a notification, `requestCheck` on a status read.
 */
import type { SignerConfig } from '../config/load-config.ts';
import type { QueryHealth } from '../gateways/query-health.ts';
import type { SignerMetrics } from '../metrics/metrics.ts';
import type { OrderRecord, OrderStore, OutboxEvent } from '../store/order-store.ts';
import {
  createWebhookSender,
  DEFAULT_CONCURRENCY,
  DEFAULT_RETRY_DELAYS_MS,
  type SenderStore,
  type WebhookSender,
} from '../webhook/sender.ts';
import { silentLogger, type WorkerLogger } from './polling-loop.ts';
import { createQueryRate } from './query-rate.ts';
import {
  createQueryStats,
  type QueryStats,
  type QueryStatsSink,
  type QueryStatsSnapshot,
} from './query-stats.ts';
import {
  createReconciler,
  type ReconcileOutcome,
  type Reconciler,
  type ReconcilerAccount,
  type ReconcilerStore,
} from './reconciler.ts';

/** The settings this module reads; the optional ones have defaults, so a hand-built config may leave them out. */
export type BackgroundConfig = Pick<
  SignerConfig,
  'gateways' | 'reconcileSchedule' | 'webhookUrl' | 'webhookSecret'
> & {
  /** `JUPAY_QUERY_TIMEOUT_MS`; default 10 s. */
  queryTimeoutMs?: number;
  /** `JUPAY_WEBHOOK_RETRY`; default 5s,30s,2m,10m,30m,1h (the last repeats). */
  webhookRetryMs?: number[];
  /** `JUPAY_WORKER_POLL_MS`: how often idle loops look for due work; default 1 s. */
  workerPollMs?: number;
  /** `JUPAY_WEBHOOK_CONCURRENCY`: deliveries in flight at once; default 4 (webhook/sender.ts). */
  webhookConcurrency?: number;
};

/** A background job with a lifecycle (the shape of `SignerService` in lifecycle.ts). */
export interface BackgroundService {
  name: string;
  start(): void | Promise<void>;
  stop(): void | Promise<void>;
}

/** What {@link createBackground} returns. */
export interface Background {
  /** Start these after the store is ready; stop them before it closes. */
  services: BackgroundService[];
  reconciler: Reconciler;
  sender: WebhookSender | null;
  /** Call when this process made an order paid: runs `onPaid` and sends the webhook without waiting for a poll. */
  orderPaid(order: OrderRecord): Promise<void>;
  /** What this instance's queries to each gateway account did (sent, deferred, delays), in the configured order. */
  queryStats: QueryStats[];
  /** For `GET /api/orders/:id` of a pending order: maybe one query in the background (rate-limited per order). */
  requestCheck(orderId: string): void;
  /** The console's actions and reads (routes/admin.ts): ask the gateway now, send a webhook again, query counts. */
  operator: {
    askGateway(order: OrderRecord): Promise<ReconcileOutcome | 'skipped'>;
    /** null without a webhook. */
    resend: ((event: OutboxEvent) => Promise<boolean>) | null;
    queryStats(): QueryStatsSnapshot[];
  };
}

/**
 * Builds the background services of one signer instance.
 *
 * @example
 * ```ts
 * const background = createBackground({ config, store, logger, onPaid: (order) => ship(order.orderId) });
 * for (const service of background.services) await service.start();
 * ```
 */
export function createBackground(options: {
  config: BackgroundConfig;
  store: ReconcilerStore & SenderStore & Pick<OrderStore, 'takeQuerySlots'>;
  logger?: WorkerLogger;
  clock?: () => Date;
  onPaid?: (order: OrderRecord) => void | Promise<void>;
  /** Counts webhook attempts and reconciliation queries (metrics/metrics.ts). */
  metrics?: Pick<SignerMetrics, 'webhookAttempt' | 'reconcileQuery' | 'paidByQueryDelay'> & QueryStatsSink;
  /** Told each query's verdict on its gateway's health (gateways/health-tracker.ts `report`). */
  onQueryHealth?: (gatewayId: string, health: QueryHealth) => void;
}): Background {
  const { config, store } = options;
  const logger = options.logger ?? silentLogger;
  const now = options.clock ?? (() => new Date());
  const pollIntervalMs = config.workerPollMs ?? 1000;

  const sender =
    config.webhookUrl && config.webhookSecret
      ? createWebhookSender({
          store,
          url: config.webhookUrl,
          secret: config.webhookSecret,
          retryDelaysMs: config.webhookRetryMs ?? DEFAULT_RETRY_DELAYS_MS,
          concurrency: config.webhookConcurrency ?? DEFAULT_CONCURRENCY,
          pollIntervalMs,
          now,
          logger,
          ...(options.metrics ? { onAttempt: options.metrics.webhookAttempt } : {}),
        })
      : null;

  async function orderPaid(order: OrderRecord): Promise<void> {
    sender?.wake();
    if (!options.onPaid) return;
    try {
      await options.onPaid(order);
    } catch (error) {
      // The order is paid and its outbox event committed whatever the hook does; a throwing hook is only logged.
      logger.error({ err: error, orderId: order.orderId }, 'onPaid hook failed');
    }
  }

  // Each gateway account: its own cap (shared by every instance under its id) and its own counts.
  const accounts: ReconcilerAccount[] = config.gateways.map((account) => {
    const rate = createQueryRate({
      store,
      perSecond: account.queryRate,
      gatewayId: account.id,
      now,
    });
    const stats = createQueryStats({
      gatewayId: account.id,
      perSecond: rate.perSecond,
      reserve: rate.reserve,
      logger,
      now,
      ...(options.metrics ? { sink: options.metrics } : {}),
    });
    return {
      id: account.id,
      credentials: { memberId: account.memberId, key: account.key },
      queryUrl: account.queryUrl,
      dialect: account.dialect,
      rate,
      stats,
    };
  });

  // Always built: with the schedule off (`JUPAY_RECONCILE_SCHEDULE=off`) the loop never runs, but a status read of
  // a pending order may still ask the gateway once.
  const reconciler = createReconciler({
    store,
    accounts,
    schedule: config.reconcileSchedule,
    timeoutMs: config.queryTimeoutMs ?? 10_000,
    pollIntervalMs,
    now,
    logger,
    onPaid: orderPaid,
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.onQueryHealth ? { onQueryHealth: options.onQueryHealth } : {}),
  });

  const services: BackgroundService[] = [];
  // Pushed even with the schedule off: start() then runs no loop, and stop() still waits for on-demand queries.
  services.push({ name: 'reconcile', start: () => reconciler.start(), stop: () => reconciler.stop() });
  if (sender) services.push({ name: 'webhook', start: () => sender.start(), stop: () => sender.stop() });

  return {
    services,
    reconciler,
    sender,
    queryStats: accounts.map((a) => a.stats!),
    orderPaid,
    requestCheck(orderId) {
      reconciler.requestCheck(orderId);
    },
    operator: {
      askGateway: (order) => reconciler.checkNow(order),
      resend: sender ? (event) => sender.deliver(event) : null,
      queryStats: () => accounts.map((a) => a.stats!.snapshot()),
    },
  };
}
