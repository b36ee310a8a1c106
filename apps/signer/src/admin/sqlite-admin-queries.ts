/**
 * @module admin/sqlite-admin-queries
 * {@link AdminQueries} on the SQLite store's connection (better-sqlite3 is synchronous; each read is one statement,
 * run between the store's group commits). Times are integer milliseconds, days are China time (UTC+8).
 */
import type Database from 'better-sqlite3';
import type { OrderRecord, OutboxEvent } from '../store/order-store.ts';
import type { AdminQueries, AnomalyRow, DayTotal, OrderFilter } from './admin-queries.ts';
import { CHINA_OFFSET_MS } from './china-day.ts';

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

const ORDER_COLUMNS = `order_id, member_id, amount_fen, bank_code, product_name, attach, status, transaction_id,
  paid_via, created_at, paid_at, next_query_at, query_attempts, gateway_id`;
const EVENT_COLUMNS =
  'id, type, order_id, payload, created_at, attempts, next_attempt_at, delivered_at, last_error';
// Failed first (undelivered with attempts), then pending, then delivered; newest first within each.
const EVENT_ORDER = `CASE WHEN delivered_at IS NULL AND attempts > 0 THEN 0 WHEN delivered_at IS NULL THEN 1 ELSE 2 END,
  created_at DESC, id`;

const date = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));

function toOrder(row: OrderRow): OrderRecord {
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
    paidAt: date(row.paid_at),
    nextQueryAt: date(row.next_query_at),
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
    deliveredAt: date(row.delivered_at),
    lastError: row.last_error,
  };
}

function where(filter: OrderFilter): { sql: string; params: (string | number)[] } {
  const parts: string[] = [];
  const params: (string | number)[] = [];
  const add = (sql: string, ...values: (string | number)[]) => {
    parts.push(sql);
    params.push(...values);
  };
  if (filter.status) add('status = ?', filter.status);
  if (filter.createdFrom) add('created_at >= ?', filter.createdFrom.getTime());
  if (filter.createdBefore) add('created_at < ?', filter.createdBefore.getTime());
  // Order ids are letters and digits only (checked by the caller), so a range is an exact prefix match.
  if (filter.orderIdPrefix) {
    add('order_id >= ? AND order_id < ?', filter.orderIdPrefix, `${filter.orderIdPrefix}\u{10FFFF}`);
  }
  if (filter.minFen !== undefined) add('amount_fen >= ?', filter.minFen);
  if (filter.maxFen !== undefined) add('amount_fen <= ?', filter.maxFen);
  return { sql: parts.length > 0 ? `WHERE ${parts.join(' AND ')}` : '', params };
}

/**
 * The admin reads on an SQLite connection.
 * @example
 * const queries = createSqliteAdminQueries(store.database);
 */
export function createSqliteAdminQueries(db: Database.Database): AdminQueries {
  return {
    kind: 'sqlite',
    async listOrders(filter, page) {
      const w = where(filter);
      const rows = db
        .prepare(
          `SELECT ${ORDER_COLUMNS} FROM orders ${w.sql} ORDER BY created_at DESC, order_id DESC LIMIT ? OFFSET ?`,
        )
        .all(...w.params, page.limit, page.offset) as OrderRow[];
      const { n } = db.prepare(`SELECT COUNT(*) AS n FROM orders ${w.sql}`).get(...w.params) as { n: number };
      return { orders: rows.map(toOrder), total: n };
    },
    async dayTotals(filter, limitDays) {
      const w = where(filter);
      const rows = db
        .prepare(
          `SELECT date((created_at + ${CHINA_OFFSET_MS}) / 1000, 'unixepoch') AS day, COUNT(*) AS orders,
             SUM(status = 'PAID') AS paidOrders, COALESCE(SUM(CASE WHEN status = 'PAID' THEN amount_fen END), 0) AS paidFen
           FROM orders ${w.sql} GROUP BY day ORDER BY day DESC LIMIT ?`,
        )
        .all(...w.params, limitDays) as DayTotal[];
      return rows.map((row) => ({
        ...row,
        paidOrders: Number(row.paidOrders ?? 0),
        paidFen: Number(row.paidFen),
      }));
    },
    async requestFields(orderId) {
      const row = db.prepare('SELECT request_fields FROM orders WHERE order_id = ?').get(orderId) as
        { request_fields: string } | undefined;
      return row ? (JSON.parse(row.request_fields) as Record<string, string>) : null;
    },
    async listAnomalies(page) {
      const rows = db
        .prepare(
          'SELECT id, order_id, kind, detail, at FROM anomalies ORDER BY at DESC, id DESC LIMIT ? OFFSET ?',
        )
        .all(page.limit, page.offset) as {
        id: number;
        order_id: string;
        kind: string;
        detail: string;
        at: number;
      }[];
      const { n } = db.prepare('SELECT COUNT(*) AS n FROM anomalies').get() as { n: number };
      return {
        anomalies: rows.map((row): AnomalyRow => ({
          id: row.id,
          orderId: row.order_id,
          kind: row.kind,
          detail: row.detail,
          at: new Date(row.at),
        })),
        total: n,
      };
    },
    async listEvents(page) {
      const rows = db
        .prepare(`SELECT ${EVENT_COLUMNS} FROM outbox ORDER BY ${EVENT_ORDER} LIMIT ? OFFSET ?`)
        .all(page.limit, page.offset) as EventRow[];
      const { n } = db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number };
      return { events: rows.map(toEvent), total: n };
    },
    async getEvent(eventId) {
      const row = db.prepare(`SELECT ${EVENT_COLUMNS} FROM outbox WHERE id = ?`).get(eventId) as
        EventRow | undefined;
      return row ? toEvent(row) : null;
    },
    async queueDepth() {
      const { n } = db.prepare('SELECT COUNT(*) AS n FROM outbox WHERE delivered_at IS NULL').get() as {
        n: number;
      };
      return n;
    },
    async dueOrders(now) {
      // The due index's conditions word for word (store migration 5), so the count reads through it.
      const rows = db
        .prepare(
          `SELECT gateway_id, COUNT(*) AS n, MIN(next_query_at) AS oldest FROM orders
            WHERE status = 'NOTPAY' AND next_query_at IS NOT NULL
              AND (query_budget IS NULL OR query_attempts < query_budget) AND next_query_at <= ?
            GROUP BY gateway_id ORDER BY gateway_id`,
        )
        .all(now.getTime()) as { gateway_id: string; n: number; oldest: number | null }[];
      return rows.map((row) => ({ gatewayId: row.gateway_id, due: row.n, oldestDueAt: date(row.oldest) }));
    },
    async orderReach(orderId) {
      const row = db
        .prepare('SELECT query_budget, submitted_at, returned_at FROM orders WHERE order_id = ?')
        .get(orderId) as
        { query_budget: number | null; submitted_at: number | null; returned_at: number | null } | undefined;
      return row
        ? {
            queryBudget: row.query_budget,
            submittedAt: date(row.submitted_at),
            returnedAt: date(row.returned_at),
          }
        : null;
    },
  };
}
