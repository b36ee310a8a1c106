/**
 * @module store/order-store
 * The storage contract of the signer. SQLite (embedded default) and PostgreSQL (several instances) implement it;
 * the HTTP routes, the reconciliation loop and the webhook sender only ever talk to this interface.
 */
import { DEFAULT_ACCOUNT_ID } from '../config/gateway-accounts.ts';

/** An order is unpaid (`NOTPAY`, the gateway's own word) until one verified notification or query marks it paid. */
export type OrderStatus = 'NOTPAY' | 'PAID';

/** How an order learnt it was paid. */
export type PaidVia = 'notify' | 'query';

/** One order as stored. Money is integer fen. */
export interface OrderRecord {
  orderId: string;
  memberId: string;
  amountFen: number;
  bankCode: string;
  productName: string;
  attach: string | null;
  status: OrderStatus;
  transactionId: string | null;
  paidVia: PaidVia | null;
  createdAt: Date;
  paidAt: Date | null;
  /** When the reconciliation loop should next ask the gateway; null once paid or given up. */
  nextQueryAt: Date | null;
  queryAttempts: number;
  /**
   * The gateway account the order was signed for (config/gateway-accounts.ts): its notifications must verify with
   * that account's key, and its queries go to that account's gateway. `default` for the single-gateway settings.
   */
  gatewayId: string;
}

/** What checkout stores. `requestFields` is the signed form, kept so an idempotent retry returns it unchanged. */
export interface NewOrder {
  orderId: string;
  memberId: string;
  amountFen: number;
  bankCode: string;
  productName: string;
  attach: string | null;
  createdAt: Date;
  nextQueryAt: Date | null;
  requestFields: Record<string, string>;
  idempotency?: { key: string; bodyHash: string };
  /** The gateway account the order is signed for; default {@link DEFAULT_ACCOUNT_ID} (the single gateway). */
  gatewayId?: string;
  /**
   * Scheduled queries this order gets until the shopper is seen to reach the gateway ({@link OrderStore.recordReach});
   * absent or null: the whole schedule. Checkout sets it for `<pay-button>`, which reports the form POST.
   */
  queryBudget?: number | null;
}

export interface CreateOrderResult {
  order: OrderRecord;
  requestFields: Record<string, string>;
  /** false when the idempotency key was seen before with the same body: the earlier order is returned. */
  created: boolean;
}

/** The event written to the outbox in the same transaction as the paid transition. */
export interface OutboxEvent {
  id: string;
  type: 'order.paid';
  orderId: string;
  payload: Record<string, unknown>;
  createdAt: Date;
  attempts: number;
  nextAttemptAt: Date;
  deliveredAt: Date | null;
  lastError: string | null;
}

export interface MarkPaidInput {
  orderId: string;
  transactionId: string;
  /** The amount the gateway reported; the store refuses (outcome `amount_mismatch`) when it differs from the order. */
  amountFen: number;
  paidAt: Date;
  via: PaidVia;
  /** The outbox event to write if, and only if, this call performs the transition. */
  event: { id: string; payload: Record<string, unknown> };
}

export type MarkPaidResult =
  | { outcome: 'paid'; order: OrderRecord }
  | { outcome: 'already_paid'; order: OrderRecord }
  | { outcome: 'amount_mismatch'; order: OrderRecord }
  | { outcome: 'not_found' };

/** A verified notification, to apply with {@link OrderStore.applyNotification}. Money is integer fen. */
export interface ApplyNotificationInput {
  orderId: string;
  transactionId: string;
  /** The amount the gateway reported; an order of another amount is never paid (`amount_mismatch`). */
  amountFen: number;
  /** When the notification arrived: the order's paid time, and the time of its log row and of any anomaly. */
  receivedAt: Date;
  /** The body (or query string) as received, kept whole in the log row whatever characters it holds. */
  rawBody: string;
  /** The id of the `order.paid` outbox event, written if, and only if, this call makes the transition. */
  eventId: string;
  /**
   * The gateway account whose key verified the notification: an order bound to another account is never paid by it
   * (outcome `gateway_mismatch`, with an anomaly). Default {@link DEFAULT_ACCOUNT_ID}.
   */
  gatewayId?: string;
}

/** The notification log verdict of each outcome of {@link OrderStore.applyNotification}. */
export const NOTIFICATION_VERDICTS = {
  paid: 'paid',
  already_paid: 'duplicate',
  amount_mismatch: 'amount_mismatch',
  not_found: 'unknown_order',
  gateway_mismatch: 'gateway_mismatch',
} as const;

/** The outcomes of {@link OrderStore.applyNotification}: those of a transition, and a notification of another account. */
export type ApplyNotificationOutcome = MarkPaidResult | { outcome: 'gateway_mismatch'; order: OrderRecord };

/** What {@link OrderStore.applyNotification} did: the outcome, the verdict it logged, and the order as it is now. */
export type ApplyNotificationResult = ApplyNotificationOutcome & {
  verdict: (typeof NOTIFICATION_VERDICTS)[ApplyNotificationOutcome['outcome']];
};

/**
 * The anomaly a notification verified with one account's key leaves on an order bound to another account (both
 * stores write exactly this, PostgreSQL in SQL).
 * @example
 * gatewayMismatchDetail('b', 'a'); // 'notify verified with the key of gateway account b, order is bound to a'
 */
export function gatewayMismatchDetail(notifiedBy: string, boundTo: string): string {
  return `notify verified with the key of gateway account ${notifiedBy}, order is bound to ${boundTo}`;
}

/**
 * The payload of the `order.paid` outbox event: the order's own fields and the payment's. Both stores and
 * `applyPayment` build it here (PostgreSQL mirrors it in SQL, checked by the contract suite), so an event reads the
 * same whichever way the order was paid.
 * @example
 * paidEventPayload(order, { transactionId: 'T1', paidAt: now, via: 'notify' });
 */
export function paidEventPayload(
  order: Pick<OrderRecord, 'orderId' | 'amountFen' | 'bankCode' | 'productName' | 'attach'>,
  payment: { transactionId: string; paidAt: Date; via: PaidVia },
): Record<string, unknown> {
  return {
    orderId: order.orderId,
    amountFen: order.amountFen,
    bankCode: order.bankCode,
    productName: order.productName,
    attach: order.attach,
    transactionId: payment.transactionId,
    paidAt: payment.paidAt.toISOString(),
    via: payment.via,
  };
}

/**
 * The anomaly a notification leaves beside its log row, if any: an amount that differs from the order's, or a
 * second transaction id for an order paid by another. Both stores write exactly these (PostgreSQL in SQL).
 * @example
 * notificationAnomaly(order, { transactionId: 'T2', amountFen: 1230 }, 'notify'); // transaction_mismatch or null
 */
export function notificationAnomaly(
  order: Pick<OrderRecord, 'amountFen' | 'status' | 'transactionId'>,
  reported: { transactionId: string; amountFen: number },
  via: PaidVia,
): { kind: 'amount_mismatch' | 'transaction_mismatch'; detail: string } | null {
  if (order.amountFen !== reported.amountFen) {
    return {
      kind: 'amount_mismatch',
      detail: `${via} reported ${reported.amountFen} fen, order is ${order.amountFen} fen`,
    };
  }
  if (
    order.status === 'PAID' &&
    order.transactionId !== null &&
    reported.transactionId !== '' &&
    order.transactionId !== reported.transactionId
  ) {
    return {
      kind: 'transaction_mismatch',
      detail: `${via} reported transaction ${reported.transactionId.slice(0, 64)}, order was paid by ${order.transactionId}`,
    };
  }
  return null;
}

/**
 * A notification body as the stores keep it: its UTF-8 bytes (a `bytea` / `BLOB` column), so every character
 * survives, NUL included (PostgreSQL's text columns cannot hold NUL). A string with a lone surrogate is no decoding
 * of any bytes, so it is refused rather than altered.
 * @example
 * rawBodyBytes('a=1&attach=\u0000'); // <Buffer 61 3d 31 26 61 74 74 61 63 68 3d 00>
 */
export function rawBodyBytes(rawBody: string): Buffer {
  if (typeof rawBody !== 'string') throw new TypeError('rawBody: expected a string');
  if (LONE_SURROGATE.test(rawBody)) {
    throw new TypeError('rawBody: holds a lone UTF-16 surrogate, which no received bytes decode to');
  }
  return Buffer.from(rawBody, 'utf8');
}

// With the u flag a surrogate pair is one code point, so this only matches a surrogate standing alone.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * One received notification. A notification whose signature was verified with our key is filed under its order
 * (`orderId`); an unverified one (`bad_signature`, `malformed`) is anybody's forgery until proven otherwise, so it
 * is never filed under an order: `orderId` is null and the id it claims is kept apart in `claimedOrderId`.
 */
export interface NotificationLogEntry {
  /** The order a verified notification is for; null for an unverified one. */
  orderId: string | null;
  /** The order id an unverified notification claims (untrusted, for the audit trail only); null otherwise. */
  claimedOrderId?: string | null;
  /** The body (or query string) as received; for unverified ones at most {@link UNVERIFIED_BODY_LIMIT} bytes. */
  rawBody: string;
  /** true when `rawBody` is only the beginning of what was received. */
  bodyTruncated?: boolean;
  /** `paid`, `duplicate`, `bad_signature`, `amount_mismatch`, `member_mismatch`, `unknown_order`, `malformed`, ... */
  verdict: string;
  receivedAt: Date;
}

/** Bytes of an unverified notification's body that are kept: enough to see what it was, not a storage lever. */
export const UNVERIFIED_BODY_LIMIT = 512;

/** What asked the gateway about an order: the reconciliation loop, a shopper's status read, or the console. */
export type GatewayQueryTrigger = 'scheduled' | 'status' | 'console';

/** One signed order query sent to the gateway, and what came of it. */
export interface GatewayQueryEntry {
  orderId: string;
  /** The gateway account asked. */
  gatewayId: string;
  trigger: GatewayQueryTrigger;
  /** `paid`, `already_paid`, `not_paid`, `amount_mismatch`, `failed` or `not_found` (reconcile/reconciler.ts). */
  outcome: string;
  /** The gateway's trade state, or why the query failed; at most {@link GATEWAY_QUERY_DETAIL_LIMIT} characters. */
  detail: string | null;
  /** When the query was sent. */
  at: Date;
  /** From sending the query to having applied its answer, in milliseconds. */
  durationMs: number;
}

/** Characters of a query's detail that are kept: enough to read the reason, not a storage lever. */
export const GATEWAY_QUERY_DETAIL_LIMIT = 200;

/** The newest queries of an order, newest first, and how many it has in all. */
export interface GatewayQueryPage {
  entries: GatewayQueryEntry[];
  total: number;
}

/**
 * Checks a {@link GatewayQueryEntry} and cuts its detail, so both stores refuse and keep the same things.
 * @example
 * checkGatewayQuery({ orderId: 'A1', gatewayId: 'default', trigger: 'status', outcome: 'not_paid',
 *   detail: 'NOTPAY', at: new Date(), durationMs: 12 });
 */
export function checkGatewayQuery(entry: GatewayQueryEntry): GatewayQueryEntry {
  if (!(entry.at instanceof Date) || Number.isNaN(entry.at.getTime()))
    throw new TypeError('at: expected a Date');
  if (!['scheduled', 'status', 'console'].includes(entry.trigger)) {
    throw new TypeError('trigger: expected scheduled, status or console');
  }
  const durationMs = Math.max(0, Math.round(entry.durationMs));
  if (!Number.isSafeInteger(durationMs)) throw new TypeError('durationMs: expected a number of milliseconds');
  const detail = entry.detail === null ? null : entry.detail.slice(0, GATEWAY_QUERY_DETAIL_LIMIT);
  return { ...entry, detail, durationMs };
}

/** A `gateway_queries` row as both stores read it (SQLite's integer time turned into a Date first). */
export interface GatewayQueryRow {
  order_id: string;
  gateway_id: string;
  trigger: string;
  outcome: string;
  detail: string | null;
  at: Date;
  duration_ms: number;
}

/**
 * A {@link GatewayQueryEntry} from its row.
 * @example
 * rows.map(gatewayQueryFromRow);
 */
export function gatewayQueryFromRow(row: GatewayQueryRow): GatewayQueryEntry {
  return {
    orderId: row.order_id,
    gatewayId: row.gateway_id,
    trigger: row.trigger as GatewayQueryTrigger,
    outcome: row.outcome,
    detail: row.detail,
    at: row.at,
    durationMs: Number(row.duration_ms),
  };
}

/**
 * Checks how many rows a list may return (1 to 1000), so both stores refuse the same bad limit.
 * @example
 * checkListLimit(50); // 50
 */
export function checkListLimit(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) {
    throw new TypeError('limit: expected a whole number from 1 to 1000');
  }
  return limit;
}

/** What {@link OrderStore.prune} removes: rows older than each cutoff (an absent cutoff removes nothing). */
export interface PruneCutoffs {
  /** Unverified notifications (`orderId` null) received before this. */
  unverifiedNotificationsBefore?: Date;
  /** Idempotency keys first used before this (they have expired: see {@link IDEMPOTENCY_KEY_TTL_MS}). */
  idempotencyKeysBefore?: Date;
  /** Gateway query log rows ({@link GatewayQueryEntry}) of queries sent before this. */
  gatewayQueriesBefore?: Date;
}

/** How many rows {@link OrderStore.prune} removed (idempotency keys: how many were released). */
export interface PruneResult {
  notifications: number;
  idempotencyKeys: number;
  gatewayQueries: number;
}

/**
 * How long an `Idempotency-Key` holds: 24 h from the checkout that first used it. A checkout at or after that
 * point with the same key creates a new order (and takes the key over); keys are pruned once expired.
 */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * A sign that the shopper reached the gateway: `submitted`, the widget reported posting the payment form (a beacon
 * just before the POST); `returned`, a verified page return came back from the gateway.
 */
export type ReachSignal = 'submitted' | 'returned';

/**
 * One take of gateway query slots (see {@link OrderStore.takeQuerySlots}): up to `want` more queries to `gatewayId`
 * in the second `epochSecond` (milliseconds since the epoch / 1000, floored), as long as that second's count stays
 * at or below `upTo`.
 */
export interface QuerySlotRequest {
  gatewayId: string;
  epochSecond: number;
  want: number;
  upTo: number;
}

/** How many seconds of query slots the stores keep behind the second being taken. */
export const SLOT_MEMORY_SECONDS = 60;

/**
 * Checks a {@link QuerySlotRequest}, so both stores refuse the same bad input with the same error.
 * @example
 * checkSlotRequest({ gatewayId: 'default', epochSecond: 1709265600, want: 5, upTo: 4 }); // returns it
 */
export function checkSlotRequest(request: QuerySlotRequest): QuerySlotRequest {
  const { gatewayId, epochSecond, want, upTo } = request;
  if (typeof gatewayId !== 'string' || !/^[A-Za-z0-9_.:-]{1,64}$/.test(gatewayId)) {
    throw new TypeError('gatewayId: expected 1 to 64 letters, digits, or _ . : -');
  }
  if (!Number.isSafeInteger(epochSecond) || epochSecond < 0) {
    throw new TypeError('epochSecond: expected a whole number of seconds since the epoch');
  }
  if (!Number.isSafeInteger(want) || want < 0) throw new TypeError('want: expected a whole number >= 0');
  if (!Number.isSafeInteger(upTo) || upTo < 0) throw new TypeError('upTo: expected a whole number >= 0');
  return request;
}

export interface AnomalyEntry {
  orderId: string;
  kind: string;
  detail: string;
  at: Date;
}

/**
 * The record of an order just inserted: unpaid, never queried. Stores answer `createOrder` with it instead of
 * reading back what they were given.
 * @example
 * return { order: newOrderRecord(order), requestFields: order.requestFields, created: true };
 */
export function newOrderRecord(order: NewOrder): OrderRecord {
  return {
    orderId: order.orderId,
    memberId: order.memberId,
    amountFen: order.amountFen,
    bankCode: order.bankCode,
    productName: order.productName,
    attach: order.attach,
    status: 'NOTPAY',
    transactionId: null,
    paidVia: null,
    createdAt: order.createdAt,
    paidAt: null,
    nextQueryAt: order.nextQueryAt,
    queryAttempts: 0,
    gatewayId: order.gatewayId ?? DEFAULT_ACCOUNT_ID,
  };
}

/** Which due orders {@link OrderStore.claimDueOrders} may take. */
export interface ClaimOptions {
  /** Orders of these gateway accounts are left out (their gateway's rate cap is full this second). */
  excludeGatewayIds?: readonly string[];
}

/** Thrown by `createOrder` when an idempotency key comes back with a different body. */
export class IdempotencyConflictError extends Error {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  constructor() {
    super('this Idempotency-Key was already used with a different request body');
    this.name = 'IdempotencyConflictError';
  }
}

/**
 * Thrown by a store that cannot take the call right now: the database is unreachable, shut down or out of
 * connections, stopped answering (a query timeout), a commit could not be made durable, or the store is closed.
 * Nothing was written, except after a query timeout, whose outcome is unknown; either way every store write is safe
 * to repeat (checkout with its idempotency key, the conditional paid transition), and the same call may succeed
 * later (the HTTP API answers `503 STORE_UNAVAILABLE` with `Retry-After`). `cause` holds the driver's error for the
 * log.
 * @example
 * try { await store.createOrder(order); } catch (e) { if (e instanceof StoreUnavailableError) retryLater(); }
 */
export class StoreUnavailableError extends Error {
  readonly code = 'STORE_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

export interface OrderStore {
  /** Creates the schema or brings it to the newest version; safe to call on every start and from several processes. */
  migrate(): Promise<void>;
  /**
   * Inserts the order. With `idempotency`, a key used less than {@link IDEMPOTENCY_KEY_TTL_MS} before
   * `order.createdAt` returns that earlier order (or throws {@link IdempotencyConflictError} for another body);
   * an older key has expired and is taken over by this new order.
   */
  createOrder(order: NewOrder): Promise<CreateOrderResult>;
  getOrder(orderId: string): Promise<OrderRecord | null>;
  /** One conditional write (`... WHERE status = 'NOTPAY'`) plus the outbox event, in one transaction. */
  markPaid(input: MarkPaidInput): Promise<MarkPaidResult>;
  /**
   * Applies a verified notification in one commit: the conditional paid transition (`WHERE status = 'NOTPAY'`, the
   * same amount and the order bound to `gatewayId`) with its outbox event (payload: {@link paidEventPayload}) and
   * the notification log row, all or nothing. When the order is unknown, bound to another gateway account, of
   * another amount or already paid, nothing is paid and the log row (its verdict from {@link NOTIFICATION_VERDICTS})
   * and any anomaly ({@link gatewayMismatchDetail}, {@link notificationAnomaly}) are written instead, decided on the
   * order's state read in the same step. Resolves once that commit is durable, so `OK` may follow it.
   */
  applyNotification(input: ApplyNotificationInput): Promise<ApplyNotificationResult>;
  recordNotification(entry: NotificationLogEntry): Promise<void>;
  /**
   * An order's notification log, oldest first: the verified notifications filed under it (`orderId` set), and the
   * unverified ones that merely claim it (`orderId` null, `claimedOrderId` set), told apart by those two fields.
   */
  listNotifications(orderId: string): Promise<NotificationLogEntry[]>;
  /** Deletes what has outlived its retention (see {@link PruneCutoffs}); run at start and periodically. */
  prune(cutoffs: PruneCutoffs): Promise<PruneResult>;
  recordAnomaly(entry: AnomalyEntry): Promise<void>;
  listAnomalies(orderId: string): Promise<AnomalyEntry[]>;
  /** Logs one gateway query of an order (see {@link checkGatewayQuery} for what is refused and cut). */
  recordGatewayQuery(entry: GatewayQueryEntry): Promise<void>;
  /** An order's newest `limit` gateway queries, newest first, with the count of all of them. */
  listGatewayQueries(orderId: string, limit: number): Promise<GatewayQueryPage>;
  /**
   * Claims up to `limit` unpaid orders whose `nextQueryAt` is due, so no other instance claims them for `leaseMs`.
   * An order whose query budget is spent (`queryAttempts` has reached `queryBudget`, see {@link NewOrder}) is not
   * due, whatever its `nextQueryAt`, until a {@link OrderStore.recordReach} lifts the budget.
   * Implementations use row claims (a lease column updated conditionally), never process memory.
   */
  claimDueOrders(now: Date, limit: number, leaseMs: number, options?: ClaimOptions): Promise<OrderRecord[]>;
  /** Sets the next query time (null: stop asking) and the attempt count, and releases the claim. */
  scheduleNextQuery(orderId: string, nextQueryAt: Date | null, queryAttempts: number): Promise<void>;
  /**
   * Releases the claims of orders that were claimed but not queried (the gateway's rate cap was reached): they are
   * due again at once for any instance, with their `nextQueryAt` and attempts unchanged.
   */
  releaseClaims(orderIds: readonly string[]): Promise<void>;
  /**
   * Records that the shopper reached the gateway for this order: sets `submitted_at` or `returned_at` (the first
   * time only) and lifts the order's query budget, so it gets the whole schedule. Idempotent. Resolves false when
   * there is no such order.
   */
  recordReach(orderId: string, signal: ReachSignal, at: Date): Promise<boolean>;
  /**
   * Takes up to `want` query slots of one gateway's second, atomically across every handle on the same database,
   * so the count of that second never goes over `upTo`; resolves how many it took (0 when the second is full).
   * Seconds more than a minute older than the one asked are forgotten.
   */
  takeQuerySlots(request: QuerySlotRequest): Promise<number>;
  /** Claims due, undelivered outbox events for `leaseMs` (one sender per event at a time across instances). */
  claimDueEvents(now: Date, limit: number, leaseMs: number): Promise<OutboxEvent[]>;
  markEventDelivered(eventId: string, at: Date): Promise<void>;
  markEventFailed(eventId: string, nextAttemptAt: Date, error: string): Promise<void>;
  listEvents(orderId?: string): Promise<OutboxEvent[]>;
  /** true when the store answers a trivial query. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
