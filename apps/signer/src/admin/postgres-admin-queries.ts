/**
 * @module admin/postgres-admin-queries
 * {@link AdminQueries} on the PostgreSQL store's pool (its connections already use the store's schema). Days are
 * China time: `created_at AT TIME ZONE 'Asia/Shanghai'`.
 */
import type pg from 'pg';
import type { OrderRecord, OutboxEvent } from '../store/order-store.ts';
import type { AdminQueries, AnomalyRow, DayTotal, OrderFilter } from './admin-queries.ts';

interface OrderRow {
  order_id: string;
  member_id: string;
  amount_fen: string;
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

const ORDER_COLUMNS = `order_id, member_id, amount_fen, bank_code, product_name, attach, status, transaction_id,
  paid_via, created_at, paid_at, next_query_at, query_attempts, gateway_id`;
const EVENT_COLUMNS =
  'id, type, order_id, payload, created_at, attempts, next_attempt_at, delivered_at, last_error';
// Failed first (undelivered with attempts), then pending, then delivered; newest first within each.
const EVENT_ORDER = `CASE WHEN delivered_at IS NULL AND attempts > 0 THEN 0 WHEN delivered_at IS NULL THEN 1 ELSE 2 END,
  created_at DESC, id`;

function toOrder(row: OrderRow): OrderRecord {
  return {
    orderId: row.order_id,
    memberId: row.member_id,
    // bigint comes back as a string; amounts are within safe integers (MAX_AMOUNT_FEN).
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

function where(filter: OrderFilter): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    parts.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.status) add('status = ?', filter.status);
  if (filter.createdFrom) add('created_at >= ?', filter.createdFrom);
  if (filter.createdBefore) add('created_at < ?', filter.createdBefore);
  // Order ids are letters and digits only (checked by the caller): no LIKE wildcard can be in the prefix.
  if (filter.orderIdPrefix) add("order_id LIKE ? || '%'", filter.orderIdPrefix);
  if (filter.minFen !== undefined) add('amount_fen >= ?', filter.minFen);
  if (filter.maxFen !== undefined) add('amount_fen <= ?', filter.maxFen);
  return { sql: parts.length > 0 ? `WHERE ${parts.join(' AND ')}` : '', params };
}

/**
 * The admin reads on a PostgreSQL pool.
 * @example
 * const queries = createPostgresAdminQueries(store.pool);
 */
export function createPostgresAdminQueries(pool: pg.Pool): AdminQueries {
  return {
    kind: 'postgres',
    async listOrders(filter, page) {
      const w = where(filter);
      const n = w.params.length;
      const [rows, count] = await Promise.all([
        pool.query<OrderRow>(
          `SELECT ${ORDER_COLUMNS} FROM orders ${w.sql} ORDER BY created_at DESC, order_id DESC LIMIT $${n + 1} OFFSET $${n + 2}`,
          [...w.params, page.limit, page.offset],
        ),
        pool.query<{ n: string }>(`SELECT COUNT(*) AS n FROM orders ${w.sql}`, w.params),
      ]);
      return { orders: rows.rows.map(toOrder), total: Number(count.rows[0]!.n) };
    },
    async dayTotals(filter, limitDays) {
      const w = where(filter);
      const { rows } = await pool.query<{
        day: string;
        orders: string;
        paid_orders: string;
        paid_fen: string;
      }>(
        `SELECT to_char(created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day, COUNT(*) AS orders,
           COUNT(*) FILTER (WHERE status = 'PAID') AS paid_orders,
           COALESCE(SUM(amount_fen) FILTER (WHERE status = 'PAID'), 0) AS paid_fen
         FROM orders ${w.sql} GROUP BY day ORDER BY day DESC LIMIT $${w.params.length + 1}`,
        [...w.params, limitDays],
      );
      return rows.map((row): DayTotal => ({
        day: row.day,
        orders: Number(row.orders),
        paidOrders: Number(row.paid_orders),
        paidFen: Number(row.paid_fen),
      }));
    },
    async requestFields(orderId) {
      const { rows } = await pool.query<{ request_fields: Record<string, string> }>(
        'SELECT request_fields FROM orders WHERE order_id = $1',
        [orderId],
      );
      return rows[0]?.request_fields ?? null;
    },
    async listAnomalies(page) {
      const [rows, count] = await Promise.all([
        pool.query<{ id: string; order_id: string; kind: string; detail: string; at: Date }>(
          'SELECT id, order_id, kind, detail, at FROM anomalies ORDER BY at DESC, id DESC LIMIT $1 OFFSET $2',
          [page.limit, page.offset],
        ),
        pool.query<{ n: string }>('SELECT COUNT(*) AS n FROM anomalies'),
      ]);
      return {
        anomalies: rows.rows.map((row): AnomalyRow => ({
          id: Number(row.id),
          orderId: row.order_id,
          kind: row.kind,
          detail: row.detail,
          at: row.at,
        })),
        total: Number(count.rows[0]!.n),
      };
    },
    async listEvents(page) {
      const [rows, count] = await Promise.all([
        pool.query<EventRow>(
          `SELECT ${EVENT_COLUMNS} FROM outbox_events ORDER BY ${EVENT_ORDER} LIMIT $1 OFFSET $2`,
          [page.limit, page.offset],
        ),
        pool.query<{ n: string }>('SELECT COUNT(*) AS n FROM outbox_events'),
      ]);
      return { events: rows.rows.map(toEvent), total: Number(count.rows[0]!.n) };
    },
    async getEvent(eventId) {
      const { rows } = await pool.query<EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM outbox_events WHERE id = $1`,
        [eventId],
      );
      return rows[0] ? toEvent(rows[0]) : null;
    },
    async queueDepth() {
      const { rows } = await pool.query<{ n: string }>(
        'SELECT COUNT(*) AS n FROM outbox_events WHERE delivered_at IS NULL',
      );
      return Number(rows[0]!.n);
    },
    async dueOrders(now) {
      // The due index's conditions word for word (store migration 5), so the count reads through it.
      const { rows } = await pool.query<{ gateway_id: string; n: string; oldest: Date | null }>(
        `SELECT gateway_id, COUNT(*) AS n, MIN(next_query_at) AS oldest FROM orders
          WHERE status = 'NOTPAY' AND next_query_at IS NOT NULL
            AND (query_budget IS NULL OR query_attempts < query_budget) AND next_query_at <= $1
          GROUP BY gateway_id ORDER BY gateway_id COLLATE "C"`,
        [now],
      );
      return rows.map((row) => ({ gatewayId: row.gateway_id, due: Number(row.n), oldestDueAt: row.oldest }));
    },
    async orderReach(orderId) {
      const { rows } = await pool.query<{
        query_budget: number | null;
        submitted_at: Date | null;
        returned_at: Date | null;
      }>('SELECT query_budget, submitted_at, returned_at FROM orders WHERE order_id = $1', [orderId]);
      const row = rows[0];
      return row
        ? { queryBudget: row.query_budget, submittedAt: row.submitted_at, returnedAt: row.returned_at }
        : null;
    },
  };
}
