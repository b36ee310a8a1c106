/**
 * @module store/sqlite-store
 * The embedded {@link OrderStore}: one SQLite file through better-sqlite3 in WAL mode. A write's promise resolves
 * only once the write is on disk, so the signer's `OK` to the gateway (which may never re-send) always follows a
 * durable commit. Statements are prepared once.
 *
 * Writes go through a group commit that settles each write's promise only once its commit is durable
 * (`sqlite-group-commit.ts`). Reads of one event-loop turn share one read transaction (`getOrder`).
 */
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { DEFAULT_ACCOUNT_ID } from '../config/gateway-accounts.ts';
import { ensureDirectory } from './ensure-directory.ts';
import { SqliteGroupCommit, type GroupCommitOptions } from './sqlite-group-commit.ts';
import { SQLITE_MIGRATIONS, type Migration } from './sqlite-migrations.ts';
import {
  checkGatewayQuery,
  checkListLimit,
  checkSlotRequest,
  gatewayMismatchDetail,
  gatewayQueryFromRow,
  IDEMPOTENCY_KEY_TTL_MS,
  IdempotencyConflictError,
  newOrderRecord,
  NOTIFICATION_VERDICTS,
  notificationAnomaly,
  paidEventPayload,
  rawBodyBytes,
  SLOT_MEMORY_SECONDS,
  StoreUnavailableError,
  type AnomalyEntry,
  type ApplyNotificationInput,
  type ClaimOptions,
  type ApplyNotificationResult,
  type CreateOrderResult,
  type GatewayQueryEntry,
  type GatewayQueryPage,
  type GatewayQueryRow,
  type MarkPaidInput,
  type MarkPaidResult,
  type NewOrder,
  type NotificationLogEntry,
  type OrderRecord,
  type OrderStore,
  type OutboxEvent,
  type PruneCutoffs,
  type PruneResult,
  type QuerySlotRequest,
  type ReachSignal,
} from './order-store.ts';

/** Options of {@link SqliteStore}. */
export interface SqliteStoreOptions {
  /**
   * `wal-fsync` (default): group commits are synced by an `fdatasync` of the WAL off the event loop before their
   * promises resolve. `full`: SQLite's `synchronous = FULL`, each group commit synced on the event loop.
   */
  durability?: 'wal-fsync' | 'full';
  /** The sync call (tests inject a slow or failing one). Default: `fs.fdatasync`. */
  fdatasync?: GroupCommitOptions['fdatasync'];
}

interface PendingRead {
  orderId: string;
  resolve: (order: OrderRecord | null) => void;
  reject: (error: unknown) => void;
}

interface OrderRow {
  order_id: string;
  member_id: string;
  amount_fen: number;
  bank_code: string;
  product_name: string;
  attach: string | null;
  status: 'NOTPAY' | 'PAID';
  transaction_id: string | null;
  paid_via: 'notify' | 'query' | null;
  created_at: number;
  paid_at: number | null;
  next_query_at: number | null;
  query_attempts: number;
  gateway_id: string;
  request_fields: string;
}

interface NotificationRow {
  order_id: string | null;
  claimed_order_id: string | null;
  raw_body: Buffer;
  body_truncated: number;
  verdict: string;
  received_at: number;
}

interface EventRow {
  id: string;
  type: 'order.paid';
  order_id: string;
  payload: string;
  created_at: number;
  attempts: number;
  next_attempt_at: number;
  delivered_at: number | null;
  last_error: string | null;
}

const toDate = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));

function toOrder(row: Omit<OrderRow, 'request_fields'>): OrderRecord {
  return {
    orderId: row.order_id,
    memberId: row.member_id,
    amountFen: row.amount_fen,
    bankCode: row.bank_code,
    productName: row.product_name,
    attach: row.attach,
    status: row.status,
    transactionId: row.transaction_id,
    paidVia: row.paid_via,
    createdAt: new Date(row.created_at),
    paidAt: toDate(row.paid_at),
    nextQueryAt: toDate(row.next_query_at),
    queryAttempts: row.query_attempts,
    gatewayId: row.gateway_id,
  };
}

function toEvent(row: EventRow): OutboxEvent {
  return {
    id: row.id,
    type: row.type,
    orderId: row.order_id,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    createdAt: new Date(row.created_at),
    attempts: row.attempts,
    nextAttemptAt: new Date(row.next_attempt_at),
    deliveredAt: toDate(row.delivered_at),
    lastError: row.last_error,
  };
}

/** The columns of {@link ORDER_COLUMNS} in order, as a raw (array) row. */
type OrderTuple = [
  orderId: string,
  memberId: string,
  amountFen: number,
  bankCode: string,
  productName: string,
  attach: string | null,
  status: 'NOTPAY' | 'PAID',
  transactionId: string | null,
  paidVia: 'notify' | 'query' | null,
  createdAt: number,
  paidAt: number | null,
  nextQueryAt: number | null,
  queryAttempts: number,
  gatewayId: string,
];

/** {@link toOrder} for a raw row: better-sqlite3 builds an array faster than an object with 14 named keys. */
function tupleToOrder(t: OrderTuple): OrderRecord {
  return {
    orderId: t[0],
    memberId: t[1],
    amountFen: t[2],
    bankCode: t[3],
    productName: t[4],
    attach: t[5],
    status: t[6],
    transactionId: t[7],
    paidVia: t[8],
    createdAt: new Date(t[9]),
    paidAt: toDate(t[10]),
    nextQueryAt: toDate(t[11]),
    queryAttempts: t[12],
    gatewayId: t[13],
  };
}

// What an OrderRecord is built from: not request_fields (a 600-byte JSON text only an idempotent replay reads).
const ORDER_COLUMNS = `order_id, member_id, amount_fen, bank_code, product_name, attach, status, transaction_id,
  paid_via, created_at, paid_at, next_query_at, query_attempts, gateway_id`;

/**
 * The reconciliation loop's claim (parameters: lease end, now, now, the gateway accounts to leave out as a JSON
 * array, limit). Its conditions repeat the `orders_due` index's (migration 5) word for word, so SQLite reads the due
 * orders through that index, which holds neither paid orders nor those whose query budget is spent.
 */
export const CLAIM_DUE_ORDERS_SQL = `UPDATE orders SET lease_until = ?
  WHERE order_id IN (
    SELECT order_id FROM orders
    WHERE status = 'NOTPAY' AND next_query_at IS NOT NULL
      AND (query_budget IS NULL OR query_attempts < query_budget)
      AND next_query_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
      AND gateway_id NOT IN (SELECT value FROM json_each(?))
    ORDER BY next_query_at LIMIT ?)
  RETURNING *`;

function prepareAll(db: Database.Database) {
  return {
    insertOrder: db.prepare(
      `INSERT INTO orders (order_id, member_id, amount_fen, bank_code, product_name, attach, created_at,
         next_query_at, request_fields, query_budget, gateway_id)
       VALUES (@orderId, @memberId, @amountFen, @bankCode, @productName, @attach, @createdAt, @nextQueryAt,
         @requestFields, @queryBudget, @gatewayId)`,
    ),
    getOrder: db.prepare<[string], OrderRow>('SELECT * FROM orders WHERE order_id = ?'),
    getOrderRecord: db.prepare<[string], Omit<OrderRow, 'request_fields'>>(
      `SELECT ${ORDER_COLUMNS} FROM orders WHERE order_id = ?`,
    ),
    // The notify route's read, on every notification: as an array (about 1.3 us less than the object row).
    getOrderTuple: db
      .prepare<[string], OrderTuple>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE order_id = ?`)
      .raw(true),
    getIdempotency: db.prepare<[string], { body_hash: string; order_id: string; created_at: number }>(
      'SELECT body_hash, order_id, created_at FROM idempotency_keys WHERE idempotency_key = ?',
    ),
    deleteIdempotency: db.prepare('DELETE FROM idempotency_keys WHERE idempotency_key = ?'),
    pruneIdempotency: db.prepare('DELETE FROM idempotency_keys WHERE created_at < ?'),
    insertIdempotency: db.prepare(
      'INSERT INTO idempotency_keys (idempotency_key, body_hash, order_id, created_at) VALUES (?, ?, ?, ?)',
    ),
    // The paid transition: one conditional statement, so duplicates and races cannot pay an order twice.
    markPaid: db.prepare<[string, string, number, string, number], OrderRow>(
      `UPDATE orders SET status = 'PAID', transaction_id = ?, paid_via = ?, paid_at = ?,
         next_query_at = NULL, lease_until = NULL
       WHERE order_id = ? AND status = 'NOTPAY' AND amount_fen = ? RETURNING *`,
    ),
    insertEvent: db.prepare(
      `INSERT INTO outbox (id, type, order_id, payload, created_at, next_attempt_at)
       VALUES (?, 'order.paid', ?, ?, ?, ?)`,
    ),
    insertNotification: db.prepare(
      `INSERT INTO notifications (order_id, claimed_order_id, raw_body, body_truncated, verdict, received_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    listNotifications: db.prepare<[string, string], NotificationRow>(
      `SELECT order_id, claimed_order_id, raw_body, body_truncated, verdict, received_at FROM notifications
       WHERE order_id = ? OR claimed_order_id = ? ORDER BY id`,
    ),
    pruneUnverified: db.prepare('DELETE FROM notifications WHERE order_id IS NULL AND received_at < ?'),
    insertAnomaly: db.prepare('INSERT INTO anomalies (order_id, kind, detail, at) VALUES (?, ?, ?, ?)'),
    listAnomalies: db.prepare<[string], { order_id: string; kind: string; detail: string; at: number }>(
      'SELECT order_id, kind, detail, at FROM anomalies WHERE order_id = ? ORDER BY id',
    ),
    insertGatewayQuery: db.prepare(
      `INSERT INTO gateway_queries (order_id, gateway_id, trigger, outcome, detail, at, duration_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    listGatewayQueries: db.prepare<[string, number], Omit<GatewayQueryRow, 'at'> & { at: number }>(
      `SELECT order_id, gateway_id, trigger, outcome, detail, at, duration_ms FROM gateway_queries
       WHERE order_id = ? ORDER BY id DESC LIMIT ?`,
    ),
    countGatewayQueries: db
      .prepare<[string], number>('SELECT count(*) FROM gateway_queries WHERE order_id = ?')
      .pluck(),
    pruneGatewayQueries: db.prepare('DELETE FROM gateway_queries WHERE at < ?'),
    claimOrders: db.prepare<[number, number, number, string, number], OrderRow>(CLAIM_DUE_ORDERS_SQL),
    releaseClaim: db.prepare('UPDATE orders SET lease_until = NULL WHERE order_id = ?'),
    // The first signal's time is kept; every signal lifts the budget.
    reachSubmitted: db.prepare(
      'UPDATE orders SET submitted_at = COALESCE(submitted_at, ?), query_budget = NULL WHERE order_id = ?',
    ),
    reachReturned: db.prepare(
      'UPDATE orders SET returned_at = COALESCE(returned_at, ?), query_budget = NULL WHERE order_id = ?',
    ),
    getSlots: db
      .prepare<[string, number], number>(
        'SELECT used FROM query_slots WHERE gateway_id = ? AND epoch_second = ?',
      )
      .pluck(),
    putSlots: db.prepare(
      `INSERT INTO query_slots (gateway_id, epoch_second, used) VALUES (?, ?, ?)
       ON CONFLICT (gateway_id, epoch_second) DO UPDATE SET used = excluded.used`,
    ),
    pruneSlots: db.prepare('DELETE FROM query_slots WHERE gateway_id = ? AND epoch_second < ?'),
    scheduleNextQuery: db.prepare(
      // A paid order is never rescheduled, even when its query was in flight while the notification landed; its
      // attempts are still counted (the query that found it paid is one), as the PostgreSQL store does.
      `UPDATE orders SET next_query_at = CASE WHEN status = 'NOTPAY' THEN ? ELSE NULL END, query_attempts = ?,
         lease_until = NULL
       WHERE order_id = ?`,
    ),
    claimEvents: db.prepare<[number, number, number, number], EventRow>(
      `UPDATE outbox SET lease_until = ?
       WHERE id IN (
         SELECT id FROM outbox
         WHERE delivered_at IS NULL AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
         ORDER BY next_attempt_at LIMIT ?)
       RETURNING id, type, order_id, payload, created_at, attempts, next_attempt_at, delivered_at, last_error`,
    ),
    markEventDelivered: db.prepare(
      'UPDATE outbox SET attempts = attempts + 1, delivered_at = ?, lease_until = NULL WHERE id = ?',
    ),
    markEventFailed: db.prepare(
      `UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?, lease_until = NULL
       WHERE id = ?`,
    ),
    listEvents: db.prepare<[], EventRow>(
      `SELECT id, type, order_id, payload, created_at, attempts, next_attempt_at, delivered_at, last_error
       FROM outbox ORDER BY created_at, id`,
    ),
    listEventsOfOrder: db.prepare<[string], EventRow>(
      `SELECT id, type, order_id, payload, created_at, attempts, next_attempt_at, delivered_at, last_error
       FROM outbox WHERE order_id = ? ORDER BY created_at, id`,
    ),
    ping: db.prepare<[], { ok: number }>('SELECT 1 AS ok'),
    beginRead: db.prepare('BEGIN'),
    endRead: db.prepare('COMMIT'),
  };
}

/**
 * The SQLite order store. Open it with {@link openSqliteStore} (or `openStore` for a store URL).
 * @example
 * const store = openSqliteStore('./data/signer.db');
 * await store.migrate();
 * await store.getOrder('E2024...');
 */
export class SqliteStore implements OrderStore {
  readonly path: string;
  private readonly db: Database.Database;
  private statements: ReturnType<typeof prepareAll> | undefined;
  private readonly pendingReads: PendingRead[] = [];
  private readsScheduled = false;
  private readonly writes: SqliteGroupCommit;
  /** Runs several statements as one (a savepoint inside the group commit's transaction). */
  private readonly atomically: (fn: () => unknown) => unknown;

  constructor(path: string, options: SqliteStoreOptions = {}) {
    this.path = path;
    if (path !== ':memory:') ensureDirectory(dirname(path));
    this.db = new Database(path);
    const mode = this.db.pragma('journal_mode = WAL', { simple: true });
    const ownSync = mode === 'wal' && (options.durability ?? 'wal-fsync') === 'wal-fsync';
    // NORMAL alone may lose the last commits on power loss, and those can be notifications we acknowledged:
    // either SQLite syncs every commit (FULL), or the group commit does before it answers.
    this.db.pragma(ownSync ? 'synchronous = NORMAL' : 'synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('foreign_keys = ON');
    this.atomically = this.db.transaction((fn: () => unknown) => fn());
    this.writes = new SqliteGroupCommit(this.db, {
      path,
      ownSync,
      ...(options.fdatasync ? { fdatasync: options.fdatasync } : {}),
    });
  }

  /**
   * The database connection, for read-only tooling on the same process (the operator console's queries in
   * `admin/`) and the gateway accounts' health (gateways/sqlite-health-store.ts, its own table, written outside the
   * group commit); the store's own writes go through its group commit, never through this handle.
   */
  get database(): Database.Database {
    return this.db;
  }

  /** True when the store syncs the WAL itself (`durability: 'wal-fsync'` on a file). */
  get ownSync(): boolean {
    return this.writes.ownSync;
  }

  private write<T>(run: () => T, atomic = false): Promise<T> {
    return this.writes.write(run, atomic);
  }

  private get stmt(): ReturnType<typeof prepareAll> {
    this.statements ??= prepareAll(this.db);
    return this.statements;
  }

  async migrate(): Promise<void> {
    this.migrateSync(SQLITE_MIGRATIONS);
    await this.writes.committedOutside();
  }

  /** Applies `migrations` newer than the file's version, each in its own IMMEDIATE transaction. */
  migrateSync(migrations: readonly Migration[]): void {
    this.db.exec(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT`,
    );
    for (const migration of migrations) {
      // IMMEDIATE takes the write lock first, so two processes starting together apply each step once.
      this.db
        .transaction(() => {
          const done = this.db
            .prepare('SELECT 1 FROM schema_migrations WHERE version = ?')
            .get(migration.version);
          if (done) return;
          this.db.exec(migration.sql);
          this.db
            .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
            .run(migration.version, migration.name, Date.now());
        })
        .immediate();
    }
  }

  /** The newest applied schema version (0 before the first migration). */
  schemaVersion(): number {
    const table = this.db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
      .get();
    if (!table) return 0;
    const row = this.db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as {
      v: number | null;
    };
    return row.v ?? 0;
  }

  async createOrder(order: NewOrder): Promise<CreateOrderResult> {
    const s = this.stmt;
    return this.write((): CreateOrderResult => {
      if (order.idempotency) {
        const seen = s.getIdempotency.get(order.idempotency.key);
        if (seen && seen.created_at <= order.createdAt.getTime() - IDEMPOTENCY_KEY_TTL_MS) {
          // Expired: the key is free again, and this request is a new checkout.
          s.deleteIdempotency.run(order.idempotency.key);
        } else if (seen) {
          if (seen.body_hash !== order.idempotency.bodyHash) throw new IdempotencyConflictError();
          const row = s.getOrder.get(seen.order_id)!;
          return {
            order: toOrder(row),
            requestFields: JSON.parse(row.request_fields) as Record<string, string>,
            created: false,
          };
        }
      }
      s.insertOrder.run({
        orderId: order.orderId,
        memberId: order.memberId,
        amountFen: order.amountFen,
        bankCode: order.bankCode,
        productName: order.productName,
        attach: order.attach,
        createdAt: order.createdAt.getTime(),
        nextQueryAt: order.nextQueryAt?.getTime() ?? null,
        requestFields: JSON.stringify(order.requestFields),
        queryBudget: order.queryBudget ?? null,
        gatewayId: order.gatewayId ?? DEFAULT_ACCOUNT_ID,
      });
      if (order.idempotency) {
        s.insertIdempotency.run(
          order.idempotency.key,
          order.idempotency.bodyHash,
          order.orderId,
          order.createdAt.getTime(),
        );
      }
      return {
        order: newOrderRecord(order),
        requestFields: order.requestFields,
        created: true,
      };
    }, order.idempotency !== undefined);
  }

  /**
   * Reads are batched like writes: the order reads of one turn of the event loop run in one read transaction.
   * Each statement outside a transaction takes and releases WAL read locks (two `fcntl` calls on this VM, the
   * largest part of a lookup under load); a batch takes them once. A read still sees every commit made before it
   * runs.
   */
  async getOrder(orderId: string): Promise<OrderRecord | null> {
    return new Promise((resolve, reject) => {
      this.pendingReads.push({ orderId, resolve, reject });
      if (!this.readsScheduled) {
        this.readsScheduled = true;
        setImmediate(() => this.readBatch());
      }
    });
  }

  private readBatch(): void {
    this.readsScheduled = false;
    const batch = this.pendingReads.splice(0);
    if (!this.db.open) {
      for (const read of batch) read.reject(new StoreUnavailableError('the SQLite store is closed'));
      return;
    }
    const s = this.stmt;
    const inTransaction = batch.length > 1 && !this.db.inTransaction;
    if (inTransaction) s.beginRead.run();
    try {
      for (const read of batch) {
        try {
          const row = s.getOrderTuple.get(read.orderId);
          read.resolve(row ? tupleToOrder(row) : null);
        } catch (error) {
          read.reject(error);
        }
      }
    } finally {
      if (inTransaction && this.db.inTransaction) s.endRead.run();
    }
  }

  async markPaid(input: MarkPaidInput): Promise<MarkPaidResult> {
    const s = this.stmt;
    return this.write((): MarkPaidResult => {
      const paid = s.markPaid.get(
        input.transactionId,
        input.via,
        input.paidAt.getTime(),
        input.orderId,
        input.amountFen,
      );
      if (paid) {
        const at = input.paidAt.getTime();
        s.insertEvent.run(input.event.id, input.orderId, JSON.stringify(input.event.payload), at, at);
        return { outcome: 'paid', order: toOrder(paid) };
      }
      const row = s.getOrderRecord.get(input.orderId);
      if (!row) return { outcome: 'not_found' };
      // A differing amount is reported even on a paid order: it is an anomaly, never a duplicate.
      if (row.amount_fen !== input.amountFen) return { outcome: 'amount_mismatch', order: toOrder(row) };
      return { outcome: 'already_paid', order: toOrder(row) };
    }, true);
  }

  async applyNotification(input: ApplyNotificationInput): Promise<ApplyNotificationResult> {
    const s = this.stmt;
    const body = rawBodyBytes(input.rawBody);
    const at = input.receivedAt.getTime();
    // One write of the group commit, whose transaction is the only writer, so the read and what follows it cannot
    // be overtaken. Each path that writes several rows runs them in a savepoint, so the transition, its event, the
    // anomaly and the log row commit together or none of them does; a duplicate writes its one log row without
    // one (about 4 us less: a single statement is undone by SQLite itself when it fails).
    return this.write((): ApplyNotificationResult => {
      const log = (verdict: ApplyNotificationResult['verdict']) =>
        s.insertNotification.run(input.orderId, null, body, 0, verdict, at);
      const row = s.getOrderRecord.get(input.orderId);
      if (!row) {
        log(NOTIFICATION_VERDICTS.not_found);
        return { outcome: 'not_found', verdict: NOTIFICATION_VERDICTS.not_found };
      }
      const order = toOrder(row);
      const gatewayId = input.gatewayId ?? DEFAULT_ACCOUNT_ID;
      if (order.gatewayId !== gatewayId) {
        // Verified with another account's key: that gateway never had this order, so it pays nothing.
        this.atomically(() => {
          s.insertAnomaly.run(
            input.orderId,
            NOTIFICATION_VERDICTS.gateway_mismatch,
            gatewayMismatchDetail(gatewayId, order.gatewayId),
            at,
          );
          log(NOTIFICATION_VERDICTS.gateway_mismatch);
        });
        return { outcome: 'gateway_mismatch', order, verdict: NOTIFICATION_VERDICTS.gateway_mismatch };
      }
      if (order.status === 'NOTPAY' && order.amountFen === input.amountFen) {
        return this.atomically((): ApplyNotificationResult => {
          const paid = toOrder(
            s.markPaid.get(input.transactionId, 'notify', at, input.orderId, input.amountFen)!,
          );
          const payload = paidEventPayload(paid, {
            transactionId: input.transactionId,
            paidAt: input.receivedAt,
            via: 'notify',
          });
          s.insertEvent.run(input.eventId, input.orderId, JSON.stringify(payload), at, at);
          log(NOTIFICATION_VERDICTS.paid);
          return { outcome: 'paid', order: paid, verdict: NOTIFICATION_VERDICTS.paid };
        }) as ApplyNotificationResult;
      }
      const outcome = order.amountFen !== input.amountFen ? 'amount_mismatch' : 'already_paid';
      const anomaly = notificationAnomaly(order, input, 'notify');
      if (anomaly) {
        this.atomically(() => {
          s.insertAnomaly.run(input.orderId, anomaly.kind, anomaly.detail, at);
          log(NOTIFICATION_VERDICTS[outcome]);
        });
      } else {
        log(NOTIFICATION_VERDICTS[outcome]);
      }
      return { outcome, order, verdict: NOTIFICATION_VERDICTS[outcome] };
    });
  }

  async recordNotification(entry: NotificationLogEntry): Promise<void> {
    const s = this.stmt;
    const body = rawBodyBytes(entry.rawBody);
    await this.write(() =>
      s.insertNotification.run(
        entry.orderId,
        entry.claimedOrderId ?? null,
        body,
        entry.bodyTruncated ? 1 : 0,
        entry.verdict,
        entry.receivedAt.getTime(),
      ),
    );
  }

  async listNotifications(orderId: string): Promise<NotificationLogEntry[]> {
    return this.stmt.listNotifications.all(orderId, orderId).map((r) => ({
      orderId: r.order_id,
      claimedOrderId: r.claimed_order_id,
      rawBody: r.raw_body.toString('utf8'),
      bodyTruncated: r.body_truncated === 1,
      verdict: r.verdict,
      receivedAt: new Date(r.received_at),
    }));
  }

  async prune(cutoffs: PruneCutoffs): Promise<PruneResult> {
    const s = this.stmt;
    const before = cutoffs.unverifiedNotificationsBefore;
    const keysBefore = cutoffs.idempotencyKeysBefore;
    const notifications =
      before === undefined ? 0 : (await this.write(() => s.pruneUnverified.run(before.getTime()))).changes;
    const idempotencyKeys =
      keysBefore === undefined
        ? 0
        : (await this.write(() => s.pruneIdempotency.run(keysBefore.getTime()))).changes;
    const queriesBefore = cutoffs.gatewayQueriesBefore;
    const gatewayQueries =
      queriesBefore === undefined
        ? 0
        : (await this.write(() => s.pruneGatewayQueries.run(queriesBefore.getTime()))).changes;
    return { notifications, idempotencyKeys, gatewayQueries };
  }

  async recordAnomaly(entry: AnomalyEntry): Promise<void> {
    const s = this.stmt;
    await this.write(() => s.insertAnomaly.run(entry.orderId, entry.kind, entry.detail, entry.at.getTime()));
  }

  async listAnomalies(orderId: string): Promise<AnomalyEntry[]> {
    return this.stmt.listAnomalies.all(orderId).map((r) => ({
      orderId: r.order_id,
      kind: r.kind,
      detail: r.detail,
      at: new Date(r.at),
    }));
  }

  async recordGatewayQuery(entry: GatewayQueryEntry): Promise<void> {
    const e = checkGatewayQuery(entry);
    const s = this.stmt;
    await this.write(() =>
      s.insertGatewayQuery.run(
        e.orderId,
        e.gatewayId,
        e.trigger,
        e.outcome,
        e.detail,
        e.at.getTime(),
        e.durationMs,
      ),
    );
  }

  async listGatewayQueries(orderId: string, limit: number): Promise<GatewayQueryPage> {
    const rows = this.stmt.listGatewayQueries.all(orderId, checkListLimit(limit));
    const entries = rows.map((r) => gatewayQueryFromRow({ ...r, at: new Date(r.at) }));
    return { entries, total: this.stmt.countGatewayQueries.get(orderId) ?? 0 };
  }

  async claimDueOrders(
    now: Date,
    limit: number,
    leaseMs: number,
    options: ClaimOptions = {},
  ): Promise<OrderRecord[]> {
    const t = now.getTime();
    const s = this.stmt;
    const excluded = JSON.stringify(options.excludeGatewayIds ?? []);
    const rows = await this.write(() => s.claimOrders.all(t + leaseMs, t, t, excluded, limit));
    return rows
      .map(toOrder)
      .sort((a, b) => (a.nextQueryAt?.getTime() ?? 0) - (b.nextQueryAt?.getTime() ?? 0));
  }

  async scheduleNextQuery(orderId: string, nextQueryAt: Date | null, queryAttempts: number): Promise<void> {
    const s = this.stmt;
    await this.write(() => s.scheduleNextQuery.run(nextQueryAt?.getTime() ?? null, queryAttempts, orderId));
  }

  async releaseClaims(orderIds: readonly string[]): Promise<void> {
    if (orderIds.length === 0) return;
    const s = this.stmt;
    await this.write(() => {
      for (const orderId of orderIds) s.releaseClaim.run(orderId);
    });
  }

  async recordReach(orderId: string, signal: ReachSignal, at: Date): Promise<boolean> {
    const s = this.stmt;
    const statement = reachStatement(s, signal);
    const { changes } = await this.write(() => statement.run(at.getTime(), orderId));
    return changes > 0;
  }

  async takeQuerySlots(request: QuerySlotRequest): Promise<number> {
    const { gatewayId, epochSecond, want, upTo } = checkSlotRequest(request);
    if (want === 0) return 0;
    const s = this.stmt;
    // One write of the group commit, whose transaction is the only writer: nothing can come between the read and
    // the update, in this process or another on the same file.
    return this.write(() => {
      const used = s.getSlots.get(gatewayId, epochSecond) ?? 0;
      const taken = Math.max(0, Math.min(want, upTo - used));
      if (taken > 0) s.putSlots.run(gatewayId, epochSecond, used + taken);
      s.pruneSlots.run(gatewayId, epochSecond - SLOT_MEMORY_SECONDS);
      return taken;
    }, true);
  }

  async claimDueEvents(now: Date, limit: number, leaseMs: number): Promise<OutboxEvent[]> {
    const t = now.getTime();
    const s = this.stmt;
    const rows = await this.write(() => s.claimEvents.all(t + leaseMs, t, t, limit));
    return rows.map(toEvent).sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime());
  }

  async markEventDelivered(eventId: string, at: Date): Promise<void> {
    const s = this.stmt;
    await this.write(() => s.markEventDelivered.run(at.getTime(), eventId));
  }

  async markEventFailed(eventId: string, nextAttemptAt: Date, error: string): Promise<void> {
    const s = this.stmt;
    await this.write(() => s.markEventFailed.run(nextAttemptAt.getTime(), error.slice(0, 2000), eventId));
  }

  async listEvents(orderId?: string): Promise<OutboxEvent[]> {
    const rows =
      orderId === undefined ? this.stmt.listEvents.all() : this.stmt.listEventsOfOrder.all(orderId);
    return rows.map(toEvent);
  }

  async ping(): Promise<boolean> {
    if (this.writes.failure) return false;
    try {
      return this.db.open && this.stmt.ping.get()?.ok === 1;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    // Reads and writes already queued are answered first: their callers are waiting.
    if (this.pendingReads.length > 0 && this.db.open) this.readBatch();
    await this.writes.drain();
    if (this.db.open) this.db.close();
    this.writes.releaseWal();
  }
}

function reachStatement(s: ReturnType<typeof prepareAll>, signal: ReachSignal) {
  if (signal === 'submitted') return s.reachSubmitted;
  if (signal === 'returned') return s.reachReturned;
  throw new TypeError('signal: expected "submitted" or "returned"');
}

/**
 * Opens (creating the directory and file if needed) an SQLite store. Call `migrate()` before use.
 * @example
 * const store = openSqliteStore('/var/lib/jupay/signer.db');
 * await store.migrate();
 */
export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): SqliteStore {
  return new SqliteStore(path, options);
}
