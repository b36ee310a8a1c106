/**
 * @module store/open-store
 * Chooses the store implementation from `JUPAY_STORE`: a file path or `sqlite:<path>` opens SQLite, a
 * `postgres://` (or `postgresql://`) URL opens PostgreSQL (`./postgres-store.ts`).
 */
import type { OrderStore } from './order-store.ts';
import { openSqliteStore } from './sqlite-store.ts';

/**
 * Opens the store named by `url` and brings its schema up to date.
 * @example
 * const store = await openStore('./data/signer.db');           // SQLite
 * const shared = await openStore('postgres://127.0.0.1/jupay'); // PostgreSQL
 */
export async function openStore(url: string): Promise<OrderStore> {
  let store: OrderStore;
  if (/^postgres(ql)?:\/\//.test(url)) {
    store = await openPostgres(url);
  } else {
    const path = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
    if (path === '') throw new Error('JUPAY_STORE: empty SQLite path');
    store = openSqliteStore(path);
  }
  try {
    await store.migrate();
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  return store;
}

async function openPostgres(url: string): Promise<OrderStore> {
  // Loaded on demand: an SQLite deployment never loads pg.
  let mod: typeof import('./postgres-store.ts');
  try {
    mod = await import('./postgres-store.ts');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new Error('JUPAY_STORE is a postgres:// URL, but this build has no PostgreSQL store', {
        cause: error,
      });
    }
    throw error;
  }
  return mod.createPostgresStore({ url });
}
