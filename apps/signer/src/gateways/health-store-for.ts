/**
 * @module gateways/health-store-for
 * The health store that goes with an order store: its `gateway_health` table, on the store's own connection
 * (SQLite) or pool (PostgreSQL, where every instance on the database sees one state); for any other store (a test
 * double), one kept in this process.
 */
import { openedStore } from '../store/lazy-store.ts';
import type { OrderStore } from '../store/order-store.ts';
import { SqliteStore } from '../store/sqlite-store.ts';
import { memoryHealthStore, type HealthStore } from './health-store.ts';
import { createSqliteHealthStore } from './sqlite-health-store.ts';

/**
 * The health store for `store` (opened now if it is a lazy one that was not yet).
 * @example
 * const health = createHealthTracker({ accounts, settings, store: () => healthStoreFor(signer.store) });
 */
export async function healthStoreFor(store: OrderStore): Promise<HealthStore> {
  const real = await openedStore(store);
  if (real instanceof SqliteStore) return createSqliteHealthStore(real.database);
  // Loaded on demand, as the store itself is (store/open-store.ts): an SQLite deployment never loads pg.
  const [{ PostgresOrderStore }, { createPostgresHealthStore }] = await Promise.all([
    import('../store/postgres-store.ts'),
    import('./postgres-health-store.ts'),
  ]);
  if (real instanceof PostgresOrderStore) return createPostgresHealthStore(real.pool);
  return memoryHealthStore();
}
