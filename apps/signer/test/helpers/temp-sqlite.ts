/**
 * @module helpers/temp-sqlite
 * A migrated SQLite store on a fresh file in a temp dir, for unit tests that need a real store and nothing else.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite-store.ts';

/** A temp-dir store and how to get rid of it. */
export interface TempSqliteStore {
  store: SqliteStore;
  /** Closes the store and removes its directory. */
  remove(): Promise<void>;
}

/**
 * Opens and migrates a store on `<tmp>/<prefix>XXXXXX/signer.db`.
 * @example
 * const temp = await openTempSqliteStore('jupay-apply-');
 * await temp.store.getOrder('E1');
 * await temp.remove();
 */
export async function openTempSqliteStore(prefix: string): Promise<TempSqliteStore> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const store = openSqliteStore(join(dir, 'signer.db'));
  await store.migrate();
  return {
    store,
    async remove() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
