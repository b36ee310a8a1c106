/**
 * @module gateways/health-store-for
 * The health store that goes with an order store: on PostgreSQL, the shared table on the store's own pool, so every
 * instance on the database sees one state; on SQLite (one process) or any other store, one kept in this process.
 */
import { openedStore } from '../store/lazy-store.ts';
import type { OrderStore } from '../store/order-store.ts';
import { SqliteStore } from '../store/sqlite-store.ts';
import { memoryHealthStore, type HealthStore } from './health-store.ts';

/**
 * The health store for `store` (opened now if it is a lazy one that was not yet).
 * @example
 * const health = createHealthTracker({ accounts, settings, store: () => healthStoreFor(signer.store) });
 */
export async function healthStoreFor(store: OrderStore): Promise<HealthStore> {
  const real = await openedStore(store);
  if (real instanceof SqliteStore) return memoryHealthStore();
  // Loaded on demand, as the store itself is (store/open-store.ts): an SQLite deployment never loads pg.
  const [{ PostgresOrderStore }, { createPostgresHealthStore }] = await Promise.all([
    import('../store/postgres-store.ts'),
    import('./postgres-health-store.ts'),
  ]);
  if (real instanceof PostgresOrderStore) return createPostgresHealthStore(real.pool);
  return memoryHealthStore();
}
