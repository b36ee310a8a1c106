/**
 * @module store/sqlite-store.contract.test
 * The shared `OrderStore` contract against SQLite: a fresh file in a temp dir per test, a second
 * connection on the same file standing in for a second process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from './sqlite-store.ts';
import { describeOrderStoreContract } from './store-suite.ts';

describeOrderStoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jupay-sqlite-contract-'));
  const path = join(dir, 'signer.db');
  const open = async () => {
    const store = openSqliteStore(path);
    await store.migrate();
    return store;
  };
  return {
    store: await open(),
    openAnother: open,
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
