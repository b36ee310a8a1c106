/**
 * @module metrics/metrics
 * The signer's Prometheus metrics (prom-client), one registry per signer: checkouts and paid orders by gateway
 * account (and `via`), each account's health, notifications by verdict, webhook attempts by outcome and the outbox queue's depth, reconciliation queries by result
 * and how long after the gateway's payment time a query found the payment, the queries sent to each gateway (by
 * kind: scheduled or for a status read), deferred or skipped by its rate cap and their delay, the cap itself and
 * the due orders waiting (read from the store at each scrape), store errors by operation, HTTP
 * request durations by route and status, and Node's process metrics (event-loop delay among them). Routes and
 * services receive it as an optional dependency, like the logger; `/metrics` serves `registry.metrics()`.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { QueryKind, QueryStatsSink } from '../reconcile/query-stats.ts';
import type { OrderRecord } from '../store/order-store.ts';

/** The hooks the routes and services call; every method is cheap and never throws. */
export interface SignerMetrics extends QueryStatsSink {
  registry: Registry;
  /** A checkout answered 201: a new order, or a replay of an idempotent one, for the gateway account it is bound to. */
  checkout(result: 'created' | 'replayed', gatewayId: string): void;
  /** A notification answered, with its verdict (`paid`, `duplicate`, `bad_signature`, ... `store_error`). */
  notification(verdict: string): void;
  /** This instance made an order paid. */
  orderPaid(order: Pick<OrderRecord, 'paidVia' | 'gatewayId'>): void;
  /** One webhook POST: a 2xx, or anything else. */
  webhookAttempt(outcome: 'delivered' | 'failed'): void;
  /** One reconciliation query and what it did (`paid`, `not_paid`, `failed`, ...). */
  reconcileQuery(result: string): void;
  /** A query found a payment: seconds from the gateway's payment time to this signer marking the order paid. */
  paidByQueryDelay(seconds: number): void;
  /** A store call failed (`createOrder`, `markPaid`, ...). */
  storeError(operation: string): void;
  /** One HTTP request: its route (a fixed label, see {@link routeLabel}), status and duration. */
  httpRequest(route: string, status: number, seconds: number): void;
  /** A gateway's rate cap, queries per second (`JUPAY_QUERY_RATE`). */
  gatewayRate(gatewayId: string, perSecond: number): void;
}

/** The reconciliation backlog of one gateway: unpaid orders due now, and how late the oldest of them is. */
export interface DueBacklog {
  gatewayId: string;
  due: number;
  oldestDueSeconds: number;
}

/** Options of {@link createMetrics}. */
export interface MetricsOptions {
  /** Undelivered webhook events, read at each scrape; absent: the gauge is not reported. */
  queueDepth?: () => Promise<number>;
  /** Node's process metrics (CPU, memory, event-loop delay, ...); default true. */
  processMetrics?: boolean;
  /** The due orders per gateway, read at each scrape; absent: the gauges are not reported. */
  dueBacklog?: () => Promise<DueBacklog[]>;
  /** Each gateway account's health as this instance knows it, read at each scrape; absent: not reported. */
  gatewayHealth?: () => readonly { gatewayId: string; healthy: boolean }[];
}

/**
 * A fresh registry with the signer's metrics.
 * @example
 * const metrics = createMetrics({ queueDepth: () => queries.queueDepth() });
 * metrics.notification('paid');
 * const text = await metrics.registry.metrics(); // Prometheus text format
 */
export function createMetrics(options: MetricsOptions = {}): SignerMetrics {
  const registry = new Registry();
  const registers = [registry];
  const checkouts = new Counter({
    name: 'jupay_checkouts_total',
    help: 'Checkouts answered 201, by result (created, replayed by Idempotency-Key) and gateway account.',
    labelNames: ['result', 'gateway'],
    registers,
  });
  const notifications = new Counter({
    name: 'jupay_notifications_total',
    help: 'Gateway notifications answered, by verdict.',
    labelNames: ['verdict'],
    registers,
  });
  const paid = new Counter({
    name: 'jupay_orders_paid_total',
    help: 'Orders this instance marked paid, by how it learnt (notify, query) and gateway account.',
    labelNames: ['via', 'gateway'],
    registers,
  });
  const webhookAttempts = new Counter({
    name: 'jupay_webhook_attempts_total',
    help: 'Webhook POSTs, by outcome (delivered: a 2xx; failed: anything else).',
    labelNames: ['outcome'],
    registers,
  });
  const reconcileQueries = new Counter({
    name: 'jupay_reconcile_queries_total',
    help: 'Gateway order queries, by result (paid, already_paid, not_paid, amount_mismatch, failed, not_found).',
    labelNames: ['result'],
    registers,
  });
  const paidByQuery = new Histogram({
    name: 'jupay_reconcile_paid_delay_seconds',
    help: "Seconds from the gateway's payment time to the order marked paid, for payments found by a query.",
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 21600, 86400],
    registers,
  });
  const storeErrors = new Counter({
    name: 'jupay_store_errors_total',
    help: 'Store calls that failed, by operation.',
    labelNames: ['operation'],
    registers,
  });
  const http = new Histogram({
    name: 'jupay_http_request_duration_seconds',
    help: 'HTTP request duration, by route and status.',
    labelNames: ['route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers,
  });
  const gatewayQueries = new Counter({
    name: 'jupay_gateway_queries_total',
    help: 'Order queries sent to the gateway, by gateway and kind (scheduled; status: for a status read).',
    labelNames: ['gateway', 'kind'],
    registers,
  });
  const gatewayDeferred = new Counter({
    name: 'jupay_gateway_queries_deferred_total',
    help: "Times the gateway's rate cap put a query off to a later second, by gateway and kind.",
    labelNames: ['gateway', 'kind'],
    registers,
  });
  const gatewaySkipped = new Counter({
    name: 'jupay_gateway_queries_skipped_total',
    help: "Status-triggered queries not made: the gateway's rate cap had no slot within 10 s.",
    labelNames: ['gateway', 'kind'],
    registers,
  });
  const gatewayDelay = new Histogram({
    name: 'jupay_gateway_query_delay_seconds',
    help: 'Seconds from when a query was due (its schedule point, or the status read) to when it was sent.',
    labelNames: ['gateway', 'kind'],
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600],
    registers,
  });
  const gatewayRate = new Gauge({
    name: 'jupay_gateway_query_rate_limit',
    help: 'The rate cap of order queries to the gateway, queries per second (JUPAY_QUERY_RATE).',
    labelNames: ['gateway'],
    registers,
  });
  if (options.dueBacklog) {
    const read = options.dueBacklog;
    // One read per scrape feeds both gauges: the count's collect (registered, so run, first) reads, the age's
    // reports what it read.
    let lastRead: Promise<DueBacklog[]> | null = null;
    new Gauge({
      name: 'jupay_reconcile_due_orders',
      help: 'Unpaid orders due for a scheduled query now, by gateway (read from the store at each scrape).',
      labelNames: ['gateway'],
      registers,
      async collect() {
        lastRead = read();
        try {
          for (const b of await lastRead) this.set({ gateway: b.gatewayId }, b.due);
        } catch {
          // kept as it was
        }
      },
    });
    new Gauge({
      name: 'jupay_reconcile_oldest_due_seconds',
      help: 'How long ago the oldest due order was due, by gateway: the delay the rate cap adds now.',
      labelNames: ['gateway'],
      registers,
      async collect() {
        try {
          for (const b of await (lastRead ?? read())) this.set({ gateway: b.gatewayId }, b.oldestDueSeconds);
        } catch {
          // kept as it was
        }
      },
    });
  }
  if (options.gatewayHealth) {
    const read = options.gatewayHealth;
    new Gauge({
      name: 'jupay_gateway_healthy',
      help: 'Whether the gateway account takes checkouts (1: healthy, 0: unhealthy), as this instance knows it.',
      labelNames: ['gateway'],
      registers,
      collect() {
        for (const h of read()) this.set({ gateway: h.gatewayId }, h.healthy ? 1 : 0);
      },
    });
  }
  if (options.queueDepth) {
    const read = options.queueDepth;
    new Gauge({
      name: 'jupay_webhook_queue_depth',
      help: 'Webhook events not delivered yet (read from the store at each scrape).',
      registers,
      async collect() {
        // A store that cannot answer leaves the last value; the failure shows in /healthz and the logs.
        try {
          this.set(await read());
        } catch {
          // kept as it was
        }
      },
    });
  }
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });

  // Children by label value, so a request costs a map lookup rather than prom-client's label hashing.
  const httpChildren = new Map<string, Histogram.Internal<'route' | 'status'>>();
  return {
    registry,
    checkout: (result, gateway) => checkouts.inc({ result, gateway }),
    notification: (verdict) => notifications.inc({ verdict }),
    orderPaid: (order) => paid.inc({ via: order.paidVia ?? 'unknown', gateway: order.gatewayId }),
    webhookAttempt: (outcome) => webhookAttempts.inc({ outcome }),
    reconcileQuery: (result) => reconcileQueries.inc({ result }),
    paidByQueryDelay: (seconds) => paidByQuery.observe(Math.max(0, seconds)),
    storeError: (operation) => storeErrors.inc({ operation }),
    gatewayQuery: (gateway: string, kind: QueryKind, seconds: number) => {
      gatewayQueries.inc({ gateway, kind });
      gatewayDelay.observe({ gateway, kind }, Math.max(0, seconds));
    },
    gatewayQueryDeferred: (gateway, kind, count) => gatewayDeferred.inc({ gateway, kind }, count),
    gatewayQuerySkipped: (gateway, kind) => gatewaySkipped.inc({ gateway, kind }),
    gatewayRate: (gateway, perSecond) => gatewayRate.set({ gateway }, perSecond),
    httpRequest(route, status, seconds) {
      const key = `${route} ${status}`;
      let child = httpChildren.get(key);
      if (!child) {
        child = http.labels(route, String(status));
        httpChildren.set(key, child);
      }
      child.observe(seconds);
    },
  };
}

const API_ROUTES = ['/api/config', '/api/checkout', '/api/notify', '/api/return'];

/**
 * The `route` label of a request path: one of the signer's routes, never the path itself (order ids and junk
 * paths would make a label value per request).
 * @example
 * routeLabel('/api/orders/E2024...'); // '/api/orders/:orderId'
 */
export function routeLabel(path: string): string {
  if (API_ROUTES.includes(path)) return path;
  if (path.startsWith('/api/orders/')) {
    return path.endsWith('/submitted') ? '/api/orders/:orderId/submitted' : '/api/orders/:orderId';
  }
  if (path.startsWith('/api/return/')) return '/api/return';
  if (path === '/pay-button.js' || path === '/healthz' || path === '/metrics') return path;
  if (path === '/admin' || path.startsWith('/admin/')) return '/admin';
  return 'other';
}
