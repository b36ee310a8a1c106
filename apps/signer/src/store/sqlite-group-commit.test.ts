/** @module store/sqlite-group-commit.test — durability of the SQLite write queue, on a real file in a temp dir. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from './order-store.ts';
import { SqliteGroupCommit, type GroupCommitOptions } from './sqlite-group-commit.ts';

type Callback = (error: NodeJS.ErrnoException | null) => void;

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function open(options: Partial<GroupCommitOptions> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'jupay-group-commit-'));
  const path = join(dir, 'test.db');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)');
  cleanups.push(() => {
    if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const writes = new SqliteGroupCommit(db, { path, ownSync: true, ...options });
  cleanups.push(() => writes.releaseWal());
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  const count = () => (db.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n;
  return { db, writes, insert: (v: string) => writes.write(() => insert.run(v).changes), count };
}

const turn = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('SqliteGroupCommit', () => {
  it('commits the writes of one turn together and settles them only after the WAL sync returned', async () => {
    const calls: Callback[] = [];
    const { insert, count } = open({ fdatasync: (_fd, cb) => calls.push(cb) });
    let done = false;
    const writes = Promise.all([insert('a'), insert('b')]).then(() => (done = true));
    await turn();
    // Committed (a reader sees the rows), one sync asked for, nobody answered yet.
    expect(count()).toBe(2);
    expect(calls).toHaveLength(1);
    expect(done).toBe(false);
    calls.shift()!(null);
    await writes;
    expect(done).toBe(true);
  });

  it('a failed sync rejects the waiting writes and every later one, as unavailable', async () => {
    const calls: Callback[] = [];
    const { writes, insert } = open({ fdatasync: (_fd, cb) => calls.push(cb) });
    const first = insert('a');
    await turn();
    calls.shift()!(Object.assign(new Error('EIO'), { code: 'EIO' }));
    await expect(first).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(first).rejects.toThrow('could not sync its journal');
    expect(writes.failure).toBeInstanceOf(StoreUnavailableError);
    // The disk may have dropped the pages: nothing is accepted any more, even if a sync would now succeed.
    await expect(insert('b')).rejects.toThrow('could not sync its journal');
    expect(calls).toHaveLength(0);
  });

  it('without its own sync (SQLite syncing each commit), no sync call is made', async () => {
    const calls: Callback[] = [];
    const { db, insert, count } = open({ ownSync: false, fdatasync: (_fd, cb) => calls.push(cb) });
    db.pragma('synchronous = FULL');
    await insert('a');
    expect(count()).toBe(1);
    expect(calls).toHaveLength(0);
  });

  it('one failing write in a group rolls back alone', async () => {
    const { insert, count } = open();
    const results = await Promise.allSettled([insert('a'), insert('a'), insert('b')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(count()).toBe(2);
  });

  it('a commit that fails as a whole rejects the whole group as unavailable', async () => {
    const { db, insert } = open();
    // Another connection holds the write lock longer than this one waits (busy_timeout 0).
    db.pragma('busy_timeout = 0');
    const other = new Database(db.name);
    cleanups.push(() => other.close());
    other.exec('BEGIN IMMEDIATE');
    const results = await Promise.allSettled([insert('a'), insert('b')]);
    other.exec('ROLLBACK');
    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(StoreUnavailableError);
    }
    await insert('c');
  });

  it('a full disk fails the whole group as unavailable, and writes go through once there is room', async () => {
    const { db, insert, count } = open();
    // The database may not grow by a single page: what SQLite reports when the disk is full.
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages}`);
    const big = 'x'.repeat(3000);
    const results = await Promise.allSettled([insert(`${big}1`), insert(`${big}2`), insert(`${big}3`)]);
    for (const result of results) {
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(StoreUnavailableError);
      expect(String((result as PromiseRejectedResult).reason.message)).toContain('full');
    }
    expect(count()).toBe(0);
    db.pragma('max_page_count = 1073741823');
    await insert(big);
    expect(count()).toBe(1);
  });

  it('drain answers every queued write before the database is closed', async () => {
    const { db, writes, insert } = open();
    const queued = [insert('a'), insert('b')];
    await writes.drain();
    db.close();
    expect(await Promise.all(queued)).toEqual([1, 1]);
  });
});
