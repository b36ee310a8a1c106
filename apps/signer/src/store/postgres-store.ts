/**
 * @module store/postgres-store
 * The `OrderStore` on PostgreSQL, for several signer instances sharing one database. Every cross-instance guarantee
 * lives in SQL, never in process memory: the paid transition is one conditional UPDATE, the outbox row is written in
 * the same transaction, and the reconciliation loop and the webhook sender take row claims with
 * `FOR UPDATE SKIP LOCKED` plus a lease column, so two instances never work on the same row at the same time.
 *
 * The request path's writes (orders, paid transitions, notification log rows, anomalies) share transactions and
 * round trips: a group commit runs the writes of one event-loop turn as one statement (`postgres-group-commit.ts`,
 * `postgres-batch.ts`), and each settles only once that statement's commit has returned. The order reads of one
 * turn are one statement too. The store counts the statements it sends ({@link PostgresOrderStore.roundTrips}).
 */
import pg from 'pg';
import { DEFAULT_ACCOUNT_ID } from '../config/gateway-accounts.ts';
import {
  batchParams,
  batchResults,
  BATCH_STATEMENT,
  orderFromJson,
  orderJson,
  type PayOp,
  type WriteOp,
  type WriteResult,
} from './postgres-batch.ts';
import { PostgresGroupCommit } from './postgres-group-commit.ts';
import {
  checkGatewayQuery,
  checkListLimit,
  checkSlotRequest,
  gatewayQueryFromRow,
  IDEMPOTENCY_KEY_TTL_MS,
  IdempotencyConflictError,
  newOrderRecord,
  NOTIFICATION_VERDICTS,
  notificationAnomaly,
  rawBodyBytes,
  SLOT_MEMORY_SECONDS,
  StoreUnavailableError,
  type AnomalyEntry,
  type ApplyNotificationInput,
  type ApplyNotificationOutcome,
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
import { POSTGRES_MIGRATIONS } from './postgres-migrations.ts';

/** Options of {@link createPostgresStore}. */
export interface PostgresStoreOptions {
  /** `postgres://user@host:port/database` (any libpq-style URL `pg` accepts). */
  url: string;
  /**
   * A schema to keep the tables in (created by `migrate`); `?schema=name` in the URL does the same. Default: the
   * server's search_path, usually `public`.
   * Tests use a fresh `t_<random>` schema per run so parallel files never see each other's rows.
   */
  schema?: string;
  /** Pool size per instance. Default 20. */
  max?: number;
  /** Group-commit batches running at once (each on its own pooled connection). Default 3. */
  batchesInFlight?: number;
  /** How long to wait for a new connection before the call fails as unavailable. Default 5000 ms. */
  connectTimeoutMs?: number;
  /**
   * How long to wait for a query's answer on an open connection (a server or network that stopped answering)
   * before the call fails as unavailable and the connection is dropped. Default 15000 ms.
   */
  queryTimeoutMs?: number;
}

// Any fixed 64-bit number works as long as every instance uses the same one; the schema is mixed in so that
// test runs in different schemas don't queue behind each other.
const MIGRATION_LOCK_NAMESPACE = 'jupay-signer-migrate';

const SCHEMA_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * What an {@link OrderRecord} is built from: not `request_fields`, a 600-byte JSON text the driver would parse on
 * every read, which only an idempotent replay needs.
 */
const ORDER_COLUMNS = `order_id, member_id, amount_fen, bank_code, product_name, attach, status, transaction_id,
  paid_via, created_at, paid_at, next_query_at, query_attempts, gateway_id`;

/** A row of `orders` as read with {@link ORDER_COLUMNS}. */
type OrderRecordRow = Omit<OrderRow, 'request_fields' | 'idempotency_body_hash'>;

interface OrderRow {
  order_id: string;
  member_id: string;
  amount_fen: string | number;
  bank_code: string;
  product_name: string;
  attach: string | null;
  status: 'NOTPAY' | 'PAID';
  transaction_id: string | null;
  paid_via: 'notify' | 'query' | null;
  created_at: Date;
  paid_at: Date | null;
  next_query_at: Date | null;
  query_attempts: number;
  gateway_id: string;
  request_fields: Record<string, string>;
  idempotency_body_hash: string | null;
}

interface EventRow {
  id: string;
  type: 'order.paid';
  order_id: string;
  payload: Record<string, unknown>;
  created_at: Date;
  attempts: number;
  next_attempt_at: Date;
  delivered_at: Date | null;
  last_error: string | null;
}

function toOrder(row: OrderRecordRow): OrderRecord {
  return {
    orderId: row.order_id,
    memberId: row.member_id,
    // bigint comes back as a string from `pg`; amounts stay far below 2^53 (core's MAX_AMOUNT_FEN).
    amountFen: Number(row.amount_fen),
    bankCode: row.bank_code,
    productName: row.product_name,
    attach: row.attach,
    status: row.status,
    transactionId: row.transaction_id,
    paidVia: row.paid_via,
    createdAt: row.created_at,
    paidAt: row.paid_at,
    nextQueryAt: row.next_query_at,
    queryAttempts: row.query_attempts,
    gatewayId: row.gateway_id,
  };
}

function toEvent(row: EventRow): OutboxEvent {
  return {
    id: row.id,
    type: row.type,
    orderId: row.order_id,
    payload: row.payload,
    createdAt: row.created_at,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    deliveredAt: row.delivered_at,
    lastError: row.last_error,
  };
}

/**
 * The reconciliation loop's claim (`$1` now, `$2` the lease's end, `$3` the limit, `$4` the gateway accounts to leave
 * out). Its conditions repeat the
 * `orders_due_idx` index's (migration 5) word for word, so the planner can prove the index covers them and reads the
 * due orders through it: paid orders and those whose query budget is spent are not in it.
 */
export const CLAIM_DUE_ORDERS_SQL = `UPDATE orders SET claimed_until = $2
  WHERE order_id IN (
    SELECT order_id FROM orders
     WHERE status = 'NOTPAY' AND next_query_at IS NOT NULL
       AND (query_budget IS NULL OR query_attempts < query_budget)
       AND next_query_at <= $1 AND (claimed_until IS NULL OR claimed_until <= $1)
       AND gateway_id <> ALL($4::text[])
     ORDER BY next_query_at
     LIMIT $3
     FOR UPDATE SKIP LOCKED)
  RETURNING ${ORDER_COLUMNS}`;

/**
 * The PostgreSQL `OrderStore`. Prefer {@link createPostgresStore}.
 *
 * @example
 * ```ts
 * const store = new PostgresOrderStore({ url: 'postgres://postgres@127.0.0.1:5432/test' });
 * await store.migrate();
 * ```
 */
export class PostgresOrderStore implements OrderStore {
  readonly #pool: pg.Pool;
  /** `#pool.query`, with a lost or refused connection reported as {@link StoreUnavailableError}. */
  readonly #query: pg.Pool['query'];
  readonly #schema: string | undefined;
  /** How to connect; the pool adds its size and query timeout, migrations use it as it is. */
  readonly #connection: pg.ClientConfig;
  readonly #writes: PostgresGroupCommit<WriteOp, WriteResult>;
  #pendingReads = new Map<
    string,
    { resolve: (o: OrderRecord | null) => void; reject: (e: unknown) => void }[]
  >();
  #readsScheduled = false;
  #roundTrips = 0;

  constructor(options: PostgresStoreOptions) {
    if (typeof options.url !== 'string' || !/^postgres(ql)?:\/\//.test(options.url)) {
      throw new TypeError('url: expected a postgres:// or postgresql:// URL');
    }
    // `?schema=name` in the URL is the same as the `schema` option, so one setting (JUPAY_STORE) can carry it.
    const url = new URL(options.url);
    const schema = options.schema ?? url.searchParams.get('schema') ?? undefined;
    url.searchParams.delete('schema');
    if (schema !== undefined && !SCHEMA_PATTERN.test(schema)) {
      throw new TypeError('schema: expected a lower-case SQL identifier ([a-z_][a-z0-9_]*)');
    }
    this.#schema = schema;
    this.#connection = {
      connectionString: url.toString(),
      // A server that does not answer (network partition, overload) fails the request after 5 s instead of
      // holding it, and its connection slot, for ever.
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
      // Connection settings, so every pooled connection gets them without an extra round trip per query:
      // - synchronous_commit=on: the signer answers `OK` to the gateway (which may never re-send) only after a
      //   commit returns, so a commit must mean "flushed to the WAL on disk". A server or database default of
      //   `off` (or `local` with a replica the operator counts on) would acknowledge writes a crash can lose.
      // - search_path: every connection lands in the same schema.
      options: ['-c synchronous_commit=on', ...(schema ? [`-c search_path=${schema}`] : [])].join(' '),
    };
    this.#pool = new pg.Pool({
      ...this.#connection,
      // 20: commits wait for the WAL flush, and more of them in flight share each flush (group commit).
      max: options.max ?? 20,
      // A connection that stopped answering (no reset ever comes) fails the query instead of holding the request;
      // the pool then drops that connection. The query's outcome is unknown: every write here is safe to repeat.
      query_timeout: options.queryTimeoutMs ?? 15_000,
    });
    // An idle client losing its connection (server restart) must not crash the process; the next query reconnects.
    this.#pool.on('error', () => {});
    const query = this.#pool.query.bind(this.#pool) as (...args: unknown[]) => Promise<unknown>;
    this.#query = ((...args: unknown[]) => {
      // Each pool query is one round trip: pg sends parse, bind, execute and sync together and waits for the answer.
      this.#roundTrips += 1;
      return query(...args).catch((error: unknown) => {
        throw asStoreError(error);
      });
    }) as pg.Pool['query'];
    this.#writes = new PostgresGroupCommit<WriteOp, WriteResult>({
      execute: (ops) => this.#runBatch(ops),
      keyOf: (op) => (op.kind === 'pay' ? op.pay.orderId : null),
      ...(options.batchesInFlight !== undefined ? { maxInFlight: options.batchesInFlight } : {}),
    });
  }

  /** Statements sent to the server so far, each one round trip (migrations, on their own connection, aside). */
  get roundTrips(): number {
    return this.#roundTrips;
  }

  /** Group-commit batches run so far. */
  get batches(): number {
    return this.#writes.batches;
  }

  async #runBatch(ops: WriteOp[]): Promise<WriteResult[]> {
    const { rows } = await this.#query<{
      orders: string[] | null;
      pays: Parameters<typeof batchResults>[1]['pays'];
    }>({ name: 'jupay_batch', text: BATCH_STATEMENT, values: batchParams(ops) });
    return batchResults(ops, rows[0]!);
  }

  /**
   * The connection pool (each connection in this store's schema), for read-only tooling in the same process (the
   * operator console's queries in `admin/`) and the gateway accounts' health (gateways/postgres-health-store.ts,
   * its own table).
   */
  get pool(): pg.Pool {
    return this.#pool;
  }

  async migrate(): Promise<void> {
    // A connection of its own, without the pool's query timeout: a migration may wait for another instance's (the
    // lock below) or rewrite a large table.
    const client = new pg.Client(this.#connection);
    client.on('error', () => {});
    await client.connect().catch((error: unknown) => {
      throw asStoreError(error);
    });
    try {
      await client.query('BEGIN');
      // Several instances starting at once queue here; the transaction-scoped lock is released by COMMIT/ROLLBACK,
      // even if this process dies half-way.
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
        `${MIGRATION_LOCK_NAMESPACE}:${this.#schema ?? ''}`,
      ]);
      if (this.#schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${this.#schema}`);
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
      );
      const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
      const applied = new Set(rows.map((row) => row.version));
      for (const migration of POSTGRES_MIGRATIONS) {
        if (applied.has(migration.version)) continue;
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
          migration.version,
          migration.name,
        ]);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw asStoreError(error);
    } finally {
      await client.end().catch(() => {});
    }
  }

  async createOrder(order: NewOrder): Promise<CreateOrderResult> {
    // ON CONFLICT on the idempotency key makes two concurrent retries with the same key race safely: one inserts,
    // the other reads the winner's row below. An expired key is released and the insert tried again (at most
    // once more per release; a concurrent request may release and take it first, then this one replays that).
    for (let attempt = 0; ; attempt += 1) {
      const inserted = await this.#writes.write({ kind: 'order', order });
      // The new row is what was just sent: only whether it went in comes back.
      if (inserted.kind === 'order' && inserted.inserted)
        return { order: newOrderRecord(order), requestFields: order.requestFields, created: true };
      // Only an idempotency-key conflict reaches this point (a NULL key never conflicts).
      const existing = await this.#query<OrderRow>('SELECT * FROM orders WHERE idempotency_key = $1', [
        order.idempotency?.key,
      ]);
      const earlier = existing.rows[0];
      if (!earlier) {
        // Released by a concurrent expiry or prune between the two statements: try the insert again.
        if (attempt < 3) continue;
        throw new Error('idempotency key conflict but no order holds the key');
      }
      const expiredBefore = new Date(order.createdAt.getTime() - IDEMPOTENCY_KEY_TTL_MS);
      if (earlier.created_at <= expiredBefore && attempt < 3) {
        // Expired: release the key (only if it is still that old order's), then insert this order with it.
        await this.#query(
          `UPDATE orders SET idempotency_key = NULL, idempotency_body_hash = NULL
            WHERE idempotency_key = $1 AND created_at <= $2`,
          [order.idempotency?.key, expiredBefore],
        );
        continue;
      }
      if (earlier.idempotency_body_hash !== order.idempotency?.bodyHash) throw new IdempotencyConflictError();
      return { order: toOrder(earlier), requestFields: earlier.request_fields, created: false };
    }
  }

  /**
   * The order reads of one turn of the event loop are one statement (`order_id = ANY(...)`), answered as one JSON
   * value. A read still sees every commit that returned before it was asked for.
   */
  async getOrder(orderId: string): Promise<OrderRecord | null> {
    // No stored order id can hold NUL (text columns cannot), and the server would refuse the whole read with it.
    if (orderId.includes('\0')) return null;
    return new Promise((resolve, reject) => {
      const waiting = this.#pendingReads.get(orderId);
      if (waiting) waiting.push({ resolve, reject });
      else this.#pendingReads.set(orderId, [{ resolve, reject }]);
      if (!this.#readsScheduled) {
        this.#readsScheduled = true;
        setImmediate(() => void this.#readBatch());
      }
    });
  }

  async #readBatch(): Promise<void> {
    this.#readsScheduled = false;
    const batch = this.#pendingReads;
    this.#pendingReads = new Map();
    const ids = [...batch.keys()];
    try {
      const found = await this.#readOrders(ids);
      for (const [id, waiting] of batch) for (const w of waiting) w.resolve(found.get(id) ?? null);
    } catch (error) {
      for (const waiting of batch.values()) for (const w of waiting) w.reject(error);
    }
  }

  async #readOrders(ids: string[]): Promise<Map<string, OrderRecord>> {
    // Named: prepared once per connection, so the hot read skips parsing and planning.
    const { rows } = await this.#query<{ found: Parameters<typeof orderFromJson>[0][] | null }>({
      name: 'jupay_get_orders',
      text: `SELECT json_agg(${orderJson('o')}) AS found FROM orders o WHERE o.order_id = ANY($1::text[])`,
      values: [ids],
    });
    return new Map((rows[0]?.found ?? []).map((t) => [t[0], orderFromJson(t)]));
  }

  async markPaid(input: MarkPaidInput): Promise<MarkPaidResult> {
    // The one conditional write and the outbox row, in the batch's one statement (postgres-batch.ts): the event
    // exists if and only if this transition happened. Of any number of concurrent notifications and queries, across
    // any number of instances, exactly one sees status = 'NOTPAY': row locking serialises the rest, which re-check
    // the WHERE clause and match nothing.
    const result = await this.#pay({
      orderId: input.orderId,
      transactionId: input.transactionId,
      amountFen: input.amountFen,
      paidAt: input.paidAt,
      via: input.via,
      eventId: input.event.id,
      payload: input.event.payload,
      notification: null,
    });
    // Only a notification names a gateway account; a transition without one cannot mismatch.
    if (result.outcome === 'gateway_mismatch')
      throw new Error('a transition without an account mismatched one');
    return result;
  }

  async applyNotification(input: ApplyNotificationInput): Promise<ApplyNotificationResult> {
    const body = rawBodyBytes(input.rawBody);
    // Transition, event, log row and anomaly in one statement: one round trip, one commit, all or nothing. A
    // duplicate costs the same single round trip: it writes its log row and reads the order's state in it.
    const result = await this.#pay({
      orderId: input.orderId,
      transactionId: input.transactionId,
      amountFen: input.amountFen,
      paidAt: input.receivedAt,
      via: 'notify',
      eventId: input.eventId,
      payload: null,
      notification: { body, receivedAt: input.receivedAt, gatewayId: input.gatewayId ?? DEFAULT_ACCOUNT_ID },
      stale: (order) => {
        // The statement's snapshot predates the transition that beat this one, so it could not compare the
        // transaction ids: the anomaly, if any, follows in a write of its own.
        const anomaly = notificationAnomaly(order, input, 'notify');
        return anomaly
          ? this.recordAnomaly({ orderId: input.orderId, ...anomaly, at: input.receivedAt })
          : Promise.resolve();
      },
    });
    return { ...result, verdict: NOTIFICATION_VERDICTS[result.outcome] } as ApplyNotificationResult;
  }

  async #pay(
    op: PayOp & { stale?: (order: OrderRecord) => Promise<void> },
  ): Promise<ApplyNotificationOutcome> {
    const { stale: onStale, ...pay } = op;
    const result = await this.#writes.write({ kind: 'pay', pay });
    if (result.kind !== 'pay') throw new Error('the batch answered a transition with another kind of result');
    if (result.outcome === 'not_found' || result.order === null) return { outcome: 'not_found' };
    if (result.stale) {
      // Paid by another transition of the same batch (whose record came back with this one), or by a transaction
      // that committed after the statement's snapshot, which a read now sees.
      const order =
        result.order.status === 'PAID' ? result.order : ((await this.getOrder(op.orderId)) ?? result.order);
      await onStale?.(order);
      return { outcome: 'already_paid', order };
    }
    return { outcome: result.outcome, order: result.order };
  }

  async recordNotification(entry: NotificationLogEntry): Promise<void> {
    await this.#writes.write({
      kind: 'log',
      orderId: entry.orderId,
      claimedOrderId: entry.claimedOrderId ?? null,
      body: rawBodyBytes(entry.rawBody),
      bodyTruncated: entry.bodyTruncated ?? false,
      verdict: entry.verdict,
      receivedAt: entry.receivedAt,
    });
  }

  async listNotifications(orderId: string): Promise<NotificationLogEntry[]> {
    const { rows } = await this.#query<{
      order_id: string | null;
      claimed_order_id: string | null;
      raw_body: Buffer;
      body_truncated: boolean;
      verdict: string;
      received_at: Date;
    }>(
      `SELECT order_id, claimed_order_id, raw_body, body_truncated, verdict, received_at FROM notifications
        WHERE order_id = $1 OR claimed_order_id = $1 ORDER BY id`,
      [orderId],
    );
    return rows.map((row) => ({
      orderId: row.order_id,
      claimedOrderId: row.claimed_order_id,
      rawBody: row.raw_body.toString('utf8'),
      bodyTruncated: row.body_truncated,
      verdict: row.verdict,
      receivedAt: row.received_at,
    }));
  }

  async prune(cutoffs: PruneCutoffs): Promise<PruneResult> {
    const before = cutoffs.unverifiedNotificationsBefore;
    const keysBefore = cutoffs.idempotencyKeysBefore;
    // The key lives on its order row here: releasing it keeps the order and frees the key.
    const idempotencyKeys =
      keysBefore === undefined
        ? 0
        : ((
            await this.#query(
              `UPDATE orders SET idempotency_key = NULL, idempotency_body_hash = NULL
                WHERE idempotency_key IS NOT NULL AND created_at < $1`,
              [keysBefore],
            )
          ).rowCount ?? 0);
    const notifications =
      before === undefined
        ? 0
        : ((
            await this.#query('DELETE FROM notifications WHERE order_id IS NULL AND received_at < $1', [
              before,
            ])
          ).rowCount ?? 0);
    const queriesBefore = cutoffs.gatewayQueriesBefore;
    const gatewayQueries =
      queriesBefore === undefined
        ? 0
        : ((await this.#query('DELETE FROM gateway_queries WHERE at < $1', [queriesBefore])).rowCount ?? 0);
    return { notifications, idempotencyKeys, gatewayQueries };
  }

  async recordAnomaly(entry: AnomalyEntry): Promise<void> {
    await this.#writes.write({ kind: 'anomaly', entry });
  }

  async listAnomalies(orderId: string): Promise<AnomalyEntry[]> {
    const { rows } = await this.#query<{ order_id: string; kind: string; detail: string; at: Date }>(
      'SELECT order_id, kind, detail, at FROM anomalies WHERE order_id = $1 ORDER BY id',
      [orderId],
    );
    return rows.map((row) => ({ orderId: row.order_id, kind: row.kind, detail: row.detail, at: row.at }));
  }

  async recordGatewayQuery(entry: GatewayQueryEntry): Promise<void> {
    const e = checkGatewayQuery(entry);
    await this.#query(
      `INSERT INTO gateway_queries (order_id, gateway_id, trigger, outcome, detail, at, duration_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [e.orderId, e.gatewayId, e.trigger, e.outcome, e.detail, e.at, e.durationMs],
    );
  }

  async listGatewayQueries(orderId: string, limit: number): Promise<GatewayQueryPage> {
    // One round trip: the page and the total together (the count repeats on each row; none when there are no rows).
    const { rows } = await this.#query<GatewayQueryRow & { total: string }>(
      `SELECT order_id, gateway_id, trigger, outcome, detail, at, duration_ms, count(*) OVER () AS total
       FROM gateway_queries WHERE order_id = $1 ORDER BY id DESC LIMIT $2`,
      [orderId, checkListLimit(limit)],
    );
    return { entries: rows.map(gatewayQueryFromRow), total: rows.length > 0 ? Number(rows[0]!.total) : 0 };
  }

  async claimDueOrders(
    now: Date,
    limit: number,
    leaseMs: number,
    options: ClaimOptions = {},
  ): Promise<OrderRecord[]> {
    // SKIP LOCKED: a second instance claiming at the same moment passes over the rows the first one is taking
    // instead of waiting for them, and the lease keeps them out of every later scan until it runs out (so a
    // crashed instance's claims come back by themselves).
    const { rows } = await this.#query<OrderRecordRow>(CLAIM_DUE_ORDERS_SQL, [
      now,
      new Date(now.getTime() + leaseMs),
      limit,
      options.excludeGatewayIds ?? [],
    ]);
    return rows
      .map(toOrder)
      .sort((a, b) => (a.nextQueryAt?.getTime() ?? 0) - (b.nextQueryAt?.getTime() ?? 0));
  }

  async scheduleNextQuery(orderId: string, nextQueryAt: Date | null, queryAttempts: number): Promise<void> {
    // An order paid while its query was in flight stays unscheduled: the CASE keeps next_query_at NULL.
    await this.#query(
      `UPDATE orders
          SET next_query_at = CASE WHEN status = 'NOTPAY' THEN $2::timestamptz ELSE NULL END,
              query_attempts = $3, claimed_until = NULL
        WHERE order_id = $1`,
      [orderId, nextQueryAt, queryAttempts],
    );
  }

  async releaseClaims(orderIds: readonly string[]): Promise<void> {
    if (orderIds.length === 0) return;
    await this.#query('UPDATE orders SET claimed_until = NULL WHERE order_id = ANY($1::text[])', [
      [...orderIds],
    ]);
  }

  async recordReach(orderId: string, signal: ReachSignal, at: Date): Promise<boolean> {
    // The column is chosen from two fixed names, never from input. The first signal's time is kept; every signal
    // lifts the budget.
    const column = reachColumn(signal);
    if (orderId.includes('\0')) return false;
    const { rowCount } = await this.#query(
      `UPDATE orders SET ${column} = COALESCE(${column}, $2), query_budget = NULL WHERE order_id = $1`,
      [orderId, at],
    );
    return (rowCount ?? 0) > 0;
  }

  async takeQuerySlots(request: QuerySlotRequest): Promise<number> {
    const { gatewayId, epochSecond, want, upTo } = checkSlotRequest(request);
    if (want === 0 || upTo === 0) return 0;
    // One statement: the upsert locks the second's row, so takes from every instance queue on it and each sees
    // the count the one before it left. `taken` carries the grant out (RETURNING only sees the new row).
    const { rows } = await this.#query<{ taken: number }>({
      name: 'jupay_take_query_slots',
      text: `WITH gone AS (
               DELETE FROM query_slots WHERE gateway_id = $1 AND epoch_second < $2::bigint - $5::bigint)
             INSERT INTO query_slots AS q (gateway_id, epoch_second, used, taken)
             VALUES ($1, $2, LEAST($3::int, $4::int), LEAST($3::int, $4::int))
             ON CONFLICT (gateway_id, epoch_second) DO UPDATE
               SET used = q.used + LEAST($3::int, $4::int - q.used), taken = LEAST($3::int, $4::int - q.used)
               WHERE q.used < $4::int
             RETURNING taken`,
      values: [gatewayId, epochSecond, want, upTo, SLOT_MEMORY_SECONDS],
    });
    return rows[0]?.taken ?? 0;
  }

  async claimDueEvents(now: Date, limit: number, leaseMs: number): Promise<OutboxEvent[]> {
    const { rows } = await this.#query<EventRow>(
      `UPDATE outbox_events SET claimed_until = $2
        WHERE id IN (
          SELECT id FROM outbox_events
           WHERE delivered_at IS NULL AND next_attempt_at <= $1
             AND (claimed_until IS NULL OR claimed_until <= $1)
           ORDER BY next_attempt_at, id
           LIMIT $3
           FOR UPDATE SKIP LOCKED)
        RETURNING *`,
      [now, new Date(now.getTime() + leaseMs), limit],
    );
    return rows
      .map(toEvent)
      .sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() || a.id.localeCompare(b.id));
  }

  async markEventDelivered(eventId: string, at: Date): Promise<void> {
    await this.#query(
      `UPDATE outbox_events
          SET delivered_at = COALESCE(delivered_at, $2), attempts = attempts + 1, last_error = NULL,
              claimed_until = NULL
        WHERE id = $1`,
      [eventId, at],
    );
  }

  async markEventFailed(eventId: string, nextAttemptAt: Date, error: string): Promise<void> {
    await this.#query(
      `UPDATE outbox_events
          SET attempts = attempts + 1, next_attempt_at = $2, last_error = $3, claimed_until = NULL
        WHERE id = $1 AND delivered_at IS NULL`,
      [eventId, nextAttemptAt, error.slice(0, 1000)],
    );
  }

  async listEvents(orderId?: string): Promise<OutboxEvent[]> {
    const { rows } =
      orderId === undefined
        ? await this.#query<EventRow>('SELECT * FROM outbox_events ORDER BY created_at, id')
        : await this.#query<EventRow>(
            'SELECT * FROM outbox_events WHERE order_id = $1 ORDER BY created_at, id',
            [orderId],
          );
    return rows.map(toEvent);
  }

  /**
   * The value of a server setting as a pooled connection sees it (for tests and diagnostics).
   * @example
   * await store.setting('synchronous_commit'); // 'on'
   */
  async setting(name: string): Promise<string | null> {
    const { rows } = await this.#query<{ value: string | null }>(
      'SELECT current_setting($1, true) AS value',
      [name],
    );
    return rows[0]?.value ?? null;
  }

  async ping(): Promise<boolean> {
    try {
      await this.#query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    // Queued writes are answered first: their callers are waiting.
    await this.#writes.drain();
    await this.#pool.end();
  }
}

/**
 * Opens (but does not migrate) a PostgreSQL order store.
 *
 * @example
 * ```ts
 * const store = createPostgresStore({ url: process.env.JUPAY_STORE! });
 * await store.migrate(); // safe when several instances start at once
 * const order = await store.getOrder('E20240301120000654321');
 * ```
 */
export function createPostgresStore(options: PostgresStoreOptions): PostgresOrderStore {
  return new PostgresOrderStore(options);
}

function reachColumn(signal: ReachSignal): 'submitted_at' | 'returned_at' {
  if (signal === 'submitted') return 'submitted_at';
  if (signal === 'returned') return 'returned_at';
  throw new TypeError('signal: expected "submitted" or "returned"');
}

/** true when a store setting names PostgreSQL rather than an SQLite file. */
export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//.test(value);
}

/**
 * SQLSTATEs of a server that cannot serve now: connection exceptions (08), insufficient resources (53: too many
 * connections, disk full), shutdown or start-up (57P01-57P03), system errors (58).
 */
const UNAVAILABLE_SQLSTATE = /^(?:08|53|57P0[1-3]|58)/;
/** Socket errors of a server that cannot be reached. */
const NETWORK_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** pg's own words for a connection lost or never made: it gives these no code. */
const PG_CONNECTION_MESSAGE =
  /^(?:Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Cannot use a pool after calling end|Query read timeout)/;

/**
 * `error` as the store reports it: a {@link StoreUnavailableError} when the database could not be reached or
 * cannot serve right now; any other error (a constraint, a bug) unchanged.
 */
function asStoreError(error: unknown): unknown {
  if (error instanceof StoreUnavailableError) return error;
  if (error instanceof pg.DatabaseError) {
    return UNAVAILABLE_SQLSTATE.test(error.code ?? '')
      ? new StoreUnavailableError(`PostgreSQL cannot serve now: ${error.message} (SQLSTATE ${error.code})`, {
          cause: error,
        })
      : error;
  }
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const message = error instanceof Error ? error.message : '';
  if ((typeof code === 'string' && NETWORK_ERRORS.has(code)) || PG_CONNECTION_MESSAGE.test(message)) {
    return new StoreUnavailableError(`PostgreSQL cannot be reached: ${message || code}`, { cause: error });
  }
  return error;
}
