/**
 * @module reconcile/reconciler
 * Reconciliation: unpaid orders are queried at the gateway (`Pay_Trade_query.html`) on a back-off schedule from
 * their creation, because deployed gateways notify once or never (docs/protocol.md#notification). A verified
 * `SUCCESS` with the order's amount goes through the store's conditional `markPaid`, the transition a
 * notification's commit (`applyNotification`) makes too; anything else (down, slow, garbage, an error JSON, a bad
 * signature) is logged and retried at the next point of the schedule. Orders are taken with row claims in the
 * store, so several instances never query the same order at once; within one instance, a status-triggered query
 * and the loop share one query per order (whichever starts second waits for the first). With a {@link QueryRate},
 * every query waits for a slot of the gateway's cap, status-triggered ones first (reconcile/query-rate.ts); claimed
 * orders that get no slot are released, still due, for a later second.
 *
 * With several gateway accounts ({@link ReconcilerAccount}), each order is asked at the gateway of the account it
 * is bound to, signed with that account's key and under that account's own cap; a claim leaves out the orders of
 * accounts whose cap is full this second, so one busy gateway never holds up the others. Each query's outcome is
 * also its gateway's health (gateways/query-health.ts), told to `onQueryHealth`.
 *
 * Every query sent is logged under its order (`recordGatewayQuery`): what asked (the loop, a status read, the
 * console), the outcome, the trade state or the failure, when and how long; the console's order page lists them.
 */
import {
  createQueryRequest,
  JupayError,
  parseChinaDateTime,
  parseQueryResponse,
  type Credentials,
  type Dialect,
  type QueryResult,
} from '@jupay/core';
import { queryHealthOfError, type QueryHealth } from '../gateways/query-health.ts';
import { createRateLimiter } from '../http/rate-limit.ts';
import type { GatewayQueryTrigger, OrderRecord, OrderStore } from '../store/order-store.ts';
import { applyPayment, type PaymentStore } from '../orders/apply-payment.ts';
import { createPollingLoop, silentLogger, type PollingLoop, type WorkerLogger } from './polling-loop.ts';
import { DEFAULT_GATEWAY_ID, type QueryRate } from './query-rate.ts';
import type { QueryStats } from './query-stats.ts';
import { nextQueryAt } from './schedule.ts';

/** What one query did to one order. */
export type ReconcileOutcome =
  | 'paid' // this query performed the paid transition
  | 'already_paid' // paid meanwhile (a notification or another instance won)
  | 'not_paid' // the gateway says NOTPAY
  | 'amount_mismatch' // SUCCESS with another amount: recorded as an anomaly, never paid
  | 'failed' // unreachable, timeout, garbage, an error JSON, a bad signature: retried on schedule
  | 'not_found'; // no such order in the store

/** The store calls the reconciliation loop makes: its claims, order reads and the payment (see applyPayment). */
export type ReconcilerStore = PaymentStore &
  Pick<OrderStore, 'claimDueOrders' | 'scheduleNextQuery' | 'releaseClaims' | 'recordGatewayQuery'>;

/** One gateway account whose orders the reconciler asks about (config/gateway-accounts.ts). */
export interface ReconcilerAccount {
  /** The id orders are bound to (`OrderRecord.gatewayId`). */
  id: string;
  credentials: Credentials;
  /** The gateway's `Pay_Trade_query.html` URL. */
  queryUrl: string;
  /** How queries are signed and answers verified. Default `standard`. */
  dialect?: Dialect;
  /** The gateway's rate cap; absent: queries are not capped. */
  rate?: QueryRate;
  /** Counts what the queries to this gateway did (sent, deferred, their delay). */
  stats?: QueryStats;
}

/** Options of {@link createReconciler}: one gateway (`credentials`, `queryUrl`, ...) or several (`accounts`). */
export interface ReconcilerOptions {
  store: ReconcilerStore;
  /** The single gateway's credentials (its orders are bound to `default`); or give `accounts`. */
  credentials?: Credentials;
  /** The single gateway's `Pay_Trade_query.html` URL. */
  queryUrl?: string;
  /** How the single gateway's queries are signed and answers verified (`JUPAY_SIGN_DIALECT`). Default `standard`. */
  dialect?: Dialect;
  /** Several gateway accounts, each order asked at its own; instead of `credentials` and `queryUrl`. */
  accounts?: readonly ReconcilerAccount[];
  /** Delays from an order's creation, ascending (see `parseReconcileSchedule`). Empty: the loop never queries. */
  schedule: readonly number[];
  /** Per query. Default 10 s (`JUPAY_QUERY_TIMEOUT_MS`). */
  timeoutMs?: number;
  /** Sleep between scans when there is no backlog. Default 1 s. */
  pollIntervalMs?: number;
  /** Orders claimed per scan. Default 20. */
  batchSize?: number;
  /** How long a claim keeps other instances off an order. Default: twice the timeout plus 5 s. */
  leaseMs?: number;
  /** Minimum time between two status-triggered queries of one order, in this instance. Default 30 s. */
  onDemandIntervalMs?: number;
  /**
   * Orders remembered for `onDemandIntervalMs` at most. Default 10,000; when that many were queried on demand
   * within the interval, further status reads start no query until the oldest memory ends (the loop still asks).
   */
  onDemandMaxOrders?: number;
  /** Called once, by the instance that performed the transition, when a query marks an order paid. */
  onPaid?: (order: OrderRecord) => void | Promise<void>;
  now?: () => Date;
  logger?: WorkerLogger;
  /** Told each query's outcome, and for a payment it found, the seconds since the gateway's payment time. */
  metrics?: { reconcileQuery(result: ReconcileOutcome): void; paidByQueryDelay(seconds: number): void };
  /** The single gateway's rate cap; absent: queries are not capped. */
  rate?: QueryRate;
  /** Counts what the queries to the single gateway did (sent, deferred, their delay) for logs, metrics and the console. */
  stats?: QueryStats;
  /** Told each query's verdict on its gateway's health (passive health, gateways/health-tracker.ts). */
  onQueryHealth?: (gatewayId: string, health: QueryHealth) => void;
}

/** The reconciliation loop of one signer instance. */
export interface Reconciler {
  /**
   * Claims the due orders and queries each one the rate cap admits (the rest are released, still due); returns how
   * many it queried.
   */
  runOnce(): Promise<number>;
  /**
   * Queries one order now and applies the answer (no claim). `next` is when the order is asked again should this
   * query fail (default: its stored `nextQueryAt`), for the log line only; `trigger` is what the query log records
   * as its cause (default `scheduled`).
   */
  queryOrder(
    order: OrderRecord,
    next?: Date | null,
    trigger?: GatewayQueryTrigger,
  ): Promise<ReconcileOutcome>;
  /**
   * For `GET /api/orders/:id` of a pending order: starts one query in the background unless this order was
   * queried on demand in the last `onDemandIntervalMs` or is being queried by this instance's loop right now.
   * Never waits for the gateway; returns whether it started.
   */
  requestCheck(orderId: string): boolean;
  /**
   * The console's "ask the gateway now": waits for a slot of the cap as a status read does, then queries the order
   * (joining this instance's query of it if one is running). `skipped` when the cap has no slot soon.
   */
  checkNow(order: OrderRecord): Promise<ReconcileOutcome | 'skipped'>;
  start(): void;
  stop(): Promise<void>;
}

// An answer bigger than this is not a query answer; reading it all would let a broken gateway eat memory.
const MAX_ANSWER_BYTES = 64 * 1024;

async function readCapped(response: Response): Promise<string> {
  const length = Number(response.headers.get('content-length') ?? 0);
  if (length > MAX_ANSWER_BYTES) {
    await response.body?.cancel();
    throw new Error(`answer too large (${length} bytes)`);
  }
  const text = await response.text();
  if (text.length > MAX_ANSWER_BYTES) throw new Error('answer too large');
  return text;
}

function describeError(error: unknown): string {
  if (error instanceof JupayError) return `${error.code}: ${error.message}`;
  if (error instanceof Error) {
    if (error.name === 'TimeoutError') return 'timeout';
    const cause = (error as { cause?: { code?: string } }).cause;
    return cause?.code ? `${error.message} (${cause.code})` : error.message;
  }
  return String(error);
}

/**
 * Creates the reconciliation loop; call `start()` to run it in the background.
 *
 * @example
 * ```ts
 * const reconciler = createReconciler({
 *   store, credentials: { memberId: '10002', key }, queryUrl: 'https://gw.example.com/Pay_Trade_query.html',
 *   schedule: parseReconcileSchedule(DEFAULT_RECONCILE_SCHEDULE), onPaid: (order) => ship(order.orderId),
 * });
 * reconciler.start();
 * ```
 */
export function createReconciler(options: ReconcilerOptions): Reconciler {
  const { store, schedule } = options;
  const accounts = reconcilerAccounts(options);
  const byId = new Map(accounts.map((a) => [a.id, a]));
  const timeoutMs = options.timeoutMs ?? 10_000;
  const batchSize = options.batchSize ?? 20;
  const leaseMs = options.leaseMs ?? timeoutMs * 2 + 5_000;
  const onDemandIntervalMs = options.onDemandIntervalMs ?? 30_000;
  const now = options.now ?? (() => new Date());
  const logger = options.logger ?? silentLogger;
  // At most one on-demand query per order per interval; memory is capped, and at the cap a new order is refused
  // rather than evicting one (eviction would let a flood of status reads re-query orders; a refused order is still
  // asked by the loop on its schedule). O(1) per call whatever the number of orders (http/rate-limit.ts).
  const onDemand = createRateLimiter({
    limit: 1,
    windowMs: onDemandIntervalMs,
    clock: () => now().getTime(),
    maxKeys: options.onDemandMaxOrders ?? 10_000,
    whenFull: 'refuse',
  });
  // The query of each order this instance is running now, loop or on demand: the second asker joins the first, so
  // one instance never has two queries of one order at the gateway at the same moment.
  const querying = new Map<string, Promise<ReconcileOutcome>>();
  // On-demand queries run detached from the request; stop() waits for them so a shutdown never cuts a write.
  const inFlight = new Set<Promise<void>>();

  async function ask(account: ReconcilerAccount, orderId: string): Promise<QueryResult> {
    const { credentials, queryUrl } = account;
    const dialect = account.dialect ?? 'standard';
    const { body } = createQueryRequest(orderId, credentials, { dialect });
    const response = await fetch(queryUrl, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      // A slow gateway costs one timeout per order, never a stuck loop.
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
    // Errors come back as HTTP 200 JSON (docs/protocol.md#order-query); a non-200 is a proxy or a crash in front of
    // the gateway.
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new Error(`HTTP ${response.status}`);
    }
    return parseQueryResponse(await readCapped(response), credentials, { dialect });
  }

  async function queryOrder(
    order: OrderRecord,
    next: Date | null = order.nextQueryAt,
    trigger: GatewayQueryTrigger = 'scheduled',
  ): Promise<ReconcileOutcome> {
    const account = byId.get(order.gatewayId);
    if (!account) {
      // Its account was removed from the settings: no gateway to ask, and no key to trust an answer with.
      logger.warn(
        { orderId: order.orderId, gateway: order.gatewayId },
        'order bound to a gateway account that is not configured: not queried',
      );
      options.metrics?.reconcileQuery('failed');
      return 'failed';
    }
    const sentAt = now();
    const answer: QueryAnswer = { detail: null };
    const outcome = await askAndApply(account, order, next, answer);
    options.metrics?.reconcileQuery(outcome);
    await logQuery({
      orderId: order.orderId,
      gatewayId: account.id,
      trigger,
      outcome,
      detail: answer.detail,
      at: sentAt,
      durationMs: now().getTime() - sentAt.getTime(),
    });
    return outcome;
  }

  // The query log is for people reading an order's history: a failed write of it never fails the query.
  async function logQuery(entry: Parameters<ReconcilerStore['recordGatewayQuery']>[0]): Promise<void> {
    try {
      await store.recordGatewayQuery(entry);
    } catch (error) {
      logger.warn({ err: error, orderId: entry.orderId }, 'gateway query not logged');
    }
  }

  /** Asks the gateway and applies its answer; `answer.detail` gets the trade state or why the query failed. */
  async function askAndApply(
    account: ReconcilerAccount,
    order: OrderRecord,
    next: Date | null,
    answer: QueryAnswer,
  ): Promise<ReconcileOutcome> {
    const gateway = account.id;
    let result: QueryResult;
    try {
      result = await ask(account, order.orderId);
    } catch (error) {
      options.onQueryHealth?.(gateway, queryHealthOfError(error));
      const reason = describeError(error);
      answer.detail = reason;
      // Say what happens next: another point of the schedule, or nothing (only a status read asks again).
      if (next === null) {
        logger.warn(
          { orderId: order.orderId, gateway, reason },
          'gateway query failed; no query left on the schedule',
        );
      } else {
        logger.warn(
          { orderId: order.orderId, gateway, reason, nextQueryAt: next.toISOString() },
          'gateway query failed; retrying on schedule',
        );
      }
      // A signature or member mismatch is not a network blip: someone should look at it.
      if (error instanceof JupayError && ['BAD_SIGNATURE', 'MEMBER_MISMATCH'].includes(error.code)) {
        await store.recordAnomaly({
          orderId: order.orderId,
          kind: 'query_rejected',
          detail: reason,
          at: now(),
        });
      }
      return 'failed';
    }
    options.onQueryHealth?.(gateway, { ok: true, detail: `answered (${result.tradeState})` });
    answer.detail = result.tradeState;
    if (result.orderId !== order.orderId) {
      const detail = `asked for ${order.orderId}, answer is for ${result.orderId}`;
      answer.detail = detail;
      logger.warn({ orderId: order.orderId, answer: result.orderId }, 'gateway answered for another order');
      await store.recordAnomaly({ orderId: order.orderId, kind: 'query_wrong_order', detail, at: now() });
      return 'failed';
    }
    if (!result.paid) {
      logger.debug(
        { orderId: order.orderId, tradeState: result.tradeState },
        'order still unpaid at the gateway',
      );
      return 'not_paid';
    }
    const at = now();
    // The same single write as a notification (orders/apply-payment.ts): one way for an order to become paid.
    const applied = await applyPayment(
      store,
      {
        orderId: order.orderId,
        transactionId: result.transactionId,
        amountFen: result.amountFen,
        via: 'query',
      },
      { now: at },
    );
    switch (applied.outcome) {
      case 'paid':
        if (options.metrics && result.paidAt !== null) {
          // time_end is the gateway's payment time, in China time (docs/protocol.md#order-query).
          const paidAtGateway = parseChinaDateTime(result.paidAt);
          if (paidAtGateway)
            options.metrics.paidByQueryDelay((at.getTime() - paidAtGateway.getTime()) / 1000);
        }
        logger.info(
          { orderId: order.orderId, transactionId: result.transactionId, via: 'query' },
          'order paid (found by query)',
        );
        if (options.onPaid && applied.order) {
          try {
            await options.onPaid(applied.order);
          } catch (error) {
            logger.error({ err: error, orderId: order.orderId }, 'onPaid callback failed');
          }
        }
        return 'paid';
      case 'already_paid':
        return 'already_paid';
      case 'amount_mismatch':
        // applyPayment recorded the anomaly; the order stays unpaid and keeps its schedule.
        logger.warn(
          { orderId: order.orderId, gatewayFen: result.amountFen, orderFen: order.amountFen },
          'query says SUCCESS with another amount',
        );
        return 'amount_mismatch';
      default:
        return 'not_found';
    }
  }

  function queryShared(
    order: OrderRecord,
    next: Date | null,
    trigger: GatewayQueryTrigger,
  ): Promise<ReconcileOutcome> {
    const running = querying.get(order.orderId);
    if (running) return running;
    const query = queryOrder(order, next, trigger).finally(() => querying.delete(order.orderId));
    querying.set(order.orderId, query);
    return query;
  }

  /**
   * Waits for a slot of the cap for a query someone is waiting on (a status read, the console); false when none is
   * free soon. Counts the query as sent unless this instance is already asking about the order (then it joins).
   */
  async function urgentSlot(order: OrderRecord): Promise<boolean> {
    const { orderId } = order;
    const account = byId.get(order.gatewayId);
    const stats = account?.stats;
    const asked = now().getTime();
    if (account?.rate) {
      const ahead = await account.rate.takeUrgent();
      if (ahead === null) {
        stats?.skipped('status');
        logger.warn({ orderId }, 'gateway query for a status read skipped: the rate cap has no slot soon');
        return false;
      }
      if (ahead > 0) stats?.deferred('status', 1);
    }
    if (!querying.has(orderId)) stats?.sent('status', now().getTime() - asked);
    return true;
  }

  async function runOnce(): Promise<number> {
    for (const account of accounts) account.stats?.tick();
    // Gateways whose second is already full: claiming their orders now would only release them again.
    const full = accounts.filter((a) => a.rate?.scheduledFull()).map((a) => a.id);
    if (full.length === accounts.length) return 0;
    const claimed = await store.claimDueOrders(
      now(),
      batchSize,
      leaseMs,
      full.length > 0 ? { excludeGatewayIds: full } : undefined,
    );
    const admitted: OrderRecord[] = [];
    const deferred: OrderRecord[] = [];
    for (const [gatewayId, orders] of groupByGateway(claimed)) {
      const account = byId.get(gatewayId);
      const slots = account?.rate ? await account.rate.takeScheduled(orders.length) : orders.length;
      admitted.push(...orders.slice(0, slots));
      if (slots < orders.length) {
        // Deferred, never dropped: released with their schedule untouched, they are the oldest due next time.
        deferred.push(...orders.slice(slots));
        account?.stats?.deferred('scheduled', orders.length - slots);
      }
    }
    if (deferred.length > 0) await store.releaseClaims(deferred.map((order) => order.orderId));
    await Promise.all(
      admitted.map(async (order) => {
        try {
          if (!querying.has(order.orderId)) {
            byId
              .get(order.gatewayId)
              ?.stats?.sent('scheduled', now().getTime() - (order.nextQueryAt ?? now()).getTime());
          }
          // The point after this one, if this query does not settle the order.
          const following = nextQueryAt(order.createdAt, schedule, now());
          const outcome = await queryShared(order, following, 'scheduled');
          // Only unpaid orders need another point; a paid one is already out of the schedule (markPaid cleared it).
          const next = outcome === 'paid' || outcome === 'already_paid' ? null : following;
          if (next === null && outcome !== 'paid' && outcome !== 'already_paid') {
            logger.warn(
              { orderId: order.orderId, attempts: order.queryAttempts + 1 },
              'reconciliation schedule exhausted; order left unpaid',
            );
          }
          await store.scheduleNextQuery(order.orderId, next, order.queryAttempts + 1);
        } catch (error) {
          // A store error: the claim runs out after leaseMs and the order comes back by itself.
          logger.error({ err: error, orderId: order.orderId }, 'reconciling an order failed');
        }
      }),
    );
    return admitted.length;
  }

  const loop: PollingLoop = createPollingLoop('reconcile', runOnce, {
    intervalMs: options.pollIntervalMs ?? 1000,
    batchSize,
    logger,
  });

  return {
    runOnce,
    queryOrder,
    requestCheck(orderId) {
      // The loop is asking the gateway about this order right now: its answer is on the way.
      if (querying.has(orderId)) return false;
      if (!onDemand.hit(orderId).allowed) return false;
      const task = (async () => {
        try {
          const order = await store.getOrder(orderId);
          if (!order || order.status !== 'NOTPAY' || !(await urgentSlot(order))) return;
          // queryShared again: the loop may have claimed the order while it was being read.
          await queryShared(order, order.nextQueryAt, 'status');
        } catch (error) {
          logger.error({ err: error, orderId }, 'on-demand query failed');
        }
      })();
      inFlight.add(task);
      void task.finally(() => inFlight.delete(task));
      return true;
    },
    async checkNow(order) {
      if (!(await urgentSlot(order))) return 'skipped';
      return queryShared(order, order.nextQueryAt, 'console');
    },
    start: () => {
      if (schedule.length > 0) loop.start();
    },
    async stop() {
      await loop.stop();
      await Promise.all(inFlight);
    },
  };
}

/** What a query's log row says beyond its outcome: the gateway's trade state, or why the query failed. */
interface QueryAnswer {
  detail: string | null;
}

/** The accounts of the options: `accounts`, or the single gateway's as the account `default`. */
function reconcilerAccounts(options: ReconcilerOptions): readonly ReconcilerAccount[] {
  const accounts: readonly ReconcilerAccount[] = options.accounts ?? [
    {
      id: DEFAULT_GATEWAY_ID,
      credentials: options.credentials!,
      queryUrl: options.queryUrl!,
      ...(options.dialect ? { dialect: options.dialect } : {}),
      ...(options.rate ? { rate: options.rate } : {}),
      ...(options.stats ? { stats: options.stats } : {}),
    },
  ];
  if (options.accounts && (options.credentials || options.queryUrl)) {
    throw new TypeError('accounts: give either accounts or credentials and queryUrl, not both');
  }
  if (accounts.length === 0) throw new TypeError('accounts: at least one gateway account is required');
  for (const account of accounts) {
    if (typeof account.queryUrl !== 'string' || !/^https?:\/\//.test(account.queryUrl)) {
      throw new TypeError(
        `queryUrl: expected an http(s) URL${options.accounts ? ` (account ${account.id})` : ''}`,
      );
    }
  }
  return accounts;
}

/** Claimed orders by gateway account, each group in claim order (oldest due first). */
function groupByGateway(orders: readonly OrderRecord[]): Map<string, OrderRecord[]> {
  const groups = new Map<string, OrderRecord[]>();
  for (const order of orders) {
    const group = groups.get(order.gatewayId);
    if (group) group.push(order);
    else groups.set(order.gatewayId, [order]);
  }
  return groups;
}
