/**
 * @module admin/admin-queries
 * The operator's reads that the order store's contract does not have: orders by filter with a total, totals per
 * China-time day, the signed request of an order, every anomaly and every webhook event across orders, the
 * webhook queue's depth. One implementation per store, each on that store's own database handle
 * (`sqlite-admin-queries.ts`, `postgres-admin-queries.ts`); reads only: the console's actions go through the
 * store, the reconciler and the webhook sender like every other write.
 */
import { openedStore } from '../store/lazy-store.ts';
import type {
  AnomalyEntry,
  OrderRecord,
  OrderStatus,
  OrderStore,
  OutboxEvent,
} from '../store/order-store.ts';
import { SqliteStore } from '../store/sqlite-store.ts';
import { createSqliteAdminQueries } from './sqlite-admin-queries.ts';

/** Which orders to list; every field is optional and they combine with AND. */
export interface OrderFilter {
  status?: OrderStatus;
  /** Created at or after this instant. */
  createdFrom?: Date;
  /** Created before this instant. */
  createdBefore?: Date;
  /** Orders whose id starts with this (letters and digits only). */
  orderIdPrefix?: string;
  minFen?: number;
  maxFen?: number;
}

/** One page of a list. */
export interface Page {
  limit: number;
  offset: number;
}

/** The orders created on one day (China time, `YYYY-MM-DD`) among those a filter selects. */
export interface DayTotal {
  day: string;
  orders: number;
  paidOrders: number;
  /** The amount of the paid ones, integer fen. */
  paidFen: number;
}

/** An anomaly with its row id. */
export interface AnomalyRow extends AnomalyEntry {
  id: number;
}

/** One gateway account's reconciliation backlog. */
export interface DueOrders {
  gatewayId: string;
  due: number;
  oldestDueAt: Date | null;
}

/** The reads of the operator console and the `orders` command. */
export interface AdminQueries {
  readonly kind: 'sqlite' | 'postgres';
  /** Newest first. */
  listOrders(filter: OrderFilter, page: Page): Promise<{ orders: OrderRecord[]; total: number }>;
  /** Newest day first, at most `limitDays` days. */
  dayTotals(filter: OrderFilter, limitDays: number): Promise<DayTotal[]>;
  /** The signed payment form stored with the order (it holds the signature, never the key). */
  requestFields(orderId: string): Promise<Record<string, string> | null>;
  /** Newest first. */
  listAnomalies(page: Page): Promise<{ anomalies: AnomalyRow[]; total: number }>;
  /** Undelivered events that have failed first (most attempts first), then the pending ones, then delivered. */
  listEvents(page: Page): Promise<{ events: OutboxEvent[]; total: number }>;
  getEvent(eventId: string): Promise<OutboxEvent | null>;
  /** Undelivered webhook events. */
  queueDepth(): Promise<number>;
  /**
   * The reconciliation backlog at `now`, per gateway account (those with a backlog, by id): unpaid orders the loop
   * may claim (their query budget not spent) whose next query is due, and the due time of the oldest. Read through
   * the due index.
   */
  dueOrders(now: Date): Promise<DueOrders[]>;
  /** An order's reach: its query budget (null: the whole schedule) and when it was submitted and returned. */
  orderReach(
    orderId: string,
  ): Promise<{ queryBudget: number | null; submittedAt: Date | null; returnedAt: Date | null } | null>;
}

/**
 * The admin reads for a store: SQLite or PostgreSQL (behind a lazily opened store too); null for any other
 * implementation (a test double), whose console then has no lists.
 * @example
 * const queries = await adminQueriesFor(signer.store);
 * const { orders, total } = await queries!.listOrders({ status: 'PAID' }, { limit: 50, offset: 0 });
 */
export async function adminQueriesFor(store: OrderStore): Promise<AdminQueries | null> {
  const real = await openedStore(store);
  if (real instanceof SqliteStore) return createSqliteAdminQueries(real.database);
  // Loaded on demand, as the store itself is (store/open-store.ts): an SQLite deployment never loads pg.
  const [{ PostgresOrderStore }, { createPostgresAdminQueries }] = await Promise.all([
    import('../store/postgres-store.ts'),
    import('./postgres-admin-queries.ts'),
  ]);
  if (real instanceof PostgresOrderStore) return createPostgresAdminQueries(real.pool);
  return null;
}
