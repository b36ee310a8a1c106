/**
 * @module gateways/sqlite-health-store.test
 * The health store contract on SQLite: a fresh file per test, a second store on the same file standing in for a
 * second process; and the state outlives a restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../store/sqlite-store.ts';
import { describeHealthStoreContract } from './health-store-suite.ts';
import { createSqliteHealthStore } from './sqlite-health-store.ts';

async function openFile(path: string) {
  const store = openSqliteStore(path);
  await store.migrate();
  return store;
}

describeHealthStoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jupay-health-'));
  const first = await openFile(join(dir, 'signer.db'));
  const second = await openFile(join(dir, 'signer.db'));
  return {
    store: createSqliteHealthStore(first.database),
    another: createSqliteHealthStore(second.database),
    async cleanup() {
      await Promise.all([first.close(), second.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('SQLite health store', () => {
  it('keeps the state across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jupay-health-'));
    try {
      const before = await openFile(join(dir, 'signer.db'));
      await createSqliteHealthStore(before.database).record(
        'b',
        { ok: false, at: new Date(0), detail: 'HTTP 503' },
        { failures: 1, successes: 1 },
      );
      await before.close();
      const after = await openFile(join(dir, 'signer.db'));
      expect(await createSqliteHealthStore(after.database).list()).toEqual([
        expect.objectContaining({ gatewayId: 'b', healthy: false, lastError: 'HTTP 503' }),
      ]);
      await after.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
