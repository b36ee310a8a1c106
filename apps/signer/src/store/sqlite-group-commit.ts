/**
 * @module store/sqlite-group-commit
 * How the SQLite store makes its writes durable, apart from what they write (`sqlite-store.ts`).
 *
 * Group commit: writes issued in the same turn of the event loop run in one IMMEDIATE transaction. A write of
 * several statements runs inside its own savepoint, so one failing write rolls back alone; a write of one statement
 * needs none (SQLite undoes a failed statement by itself), which saves the SAVEPOINT/RELEASE pair (about 4 us).
 *
 * Durability (`durability: 'wal-fsync'`, the default for files): the connection runs `synchronous = NORMAL`, under
 * which SQLite itself syncs checkpoints (so the database file is never behind a WAL it overwrites) but not commits;
 * after each group commit the store calls `fdatasync` on the WAL file itself, in libuv's thread pool, and settles
 * the batch's promises only when that sync has returned. A resolved write is therefore exactly as durable as under
 * `synchronous = FULL` (which also syncs the WAL at each commit, just on the event loop), while the event loop goes
 * on parsing and signing the next requests during the sync. Reads may see a commit a few milliseconds before its
 * sync returns; an acknowledgement never rests on a read alone (the notify route writes the notification log, and
 * only answers `OK` to a duplicate once that later write, whose sync covers every earlier commit, resolved).
 * A failed sync fails the store (every later write is refused, `ping`
 * answers false): after a failed fsync the kernel may have dropped the pages, so only a restart is safe.
 * `durability: 'full'` keeps SQLite's own `synchronous = FULL` instead (and `:memory:` databases use it).
 */
import { closeSync, fdatasync, fsyncSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { StoreUnavailableError } from './order-store.ts';

/** WAL syncs in flight at once, at most. */
const MAX_SYNCS = 3;

/** Writes per group commit, at most; the rest go in the next one. */
const MAX_BATCH = 256;

interface PendingWrite {
  run: () => unknown;
  /** Several statements that must succeed or fail together: run inside a savepoint. */
  atomic: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Options of {@link SqliteGroupCommit}. */
export interface GroupCommitOptions {
  /** The database file: its WAL is `<path>-wal`. */
  path: string;
  /** true: this queue syncs the WAL after each commit (`synchronous = NORMAL`); false: SQLite does (`FULL`). */
  ownSync: boolean;
  /** The sync call (tests inject a slow or failing one). Default: `fs.fdatasync`. */
  fdatasync?: (fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => void;
}

/**
 * The write queue of one SQLite connection: group commits, each write's promise settled once its commit is durable.
 * @example
 * const writes = new SqliteGroupCommit(db, { path, ownSync: true });
 * await writes.write(() => insert.run(row)); // on disk now
 */
export class SqliteGroupCommit {
  readonly ownSync: boolean;
  private readonly db: Database.Database;
  private readonly path: string;
  private readonly pending: PendingWrite[] = [];
  private flushScheduled = false;
  private readonly savepoint: (fn: () => unknown) => unknown;
  private readonly commitBatch: Database.Transaction<
    (batch: PendingWrite[], outcomes: { ok: boolean; value: unknown }[]) => void
  >;
  private walFd: number | null = null;
  private committedSeq = 0;
  private syncedSeq = 0;
  private syncsInFlight = 0;
  private startedSeq = 0;
  private syncFailure: StoreUnavailableError | null = null;
  private readonly syncFile: NonNullable<GroupCommitOptions['fdatasync']>;
  private readonly syncWaiters: { seq: number; resolve: () => void; reject: (error: Error) => void }[] = [];

  constructor(db: Database.Database, options: GroupCommitOptions) {
    this.db = db;
    this.path = options.path;
    this.ownSync = options.ownSync;
    this.syncFile = options.fdatasync ?? fdatasync;
    this.savepoint = db.transaction((fn: () => unknown) => fn());
    this.commitBatch = db.transaction(
      (batch: PendingWrite[], outcomes: { ok: boolean; value: unknown }[]) => {
        for (const op of batch) {
          try {
            outcomes.push({ ok: true, value: op.atomic ? this.savepoint(op.run) : op.run() });
          } catch (error) {
            // Some errors (I/O, disk full) end the whole transaction: then nothing of the batch may be reported as
            // done, so the batch fails as a whole.
            if (!this.db.inTransaction) throw error;
            outcomes.push({ ok: false, value: error });
          }
        }
      },
    );
  }

  /** Why every write is refused since a failed sync (only a restart is safe then), or null. */
  get failure(): StoreUnavailableError | null {
    return this.syncFailure;
  }

  /** For a commit made outside the queue (migrations): resolves once a sync covers it. */
  committedOutside(): Promise<void> {
    return this.ownSync ? this.afterSync(++this.committedSeq) : Promise.resolve();
  }

  /**
   * Commits what is queued and waits for every sync in flight, so no write is left unanswered and no sync still
   * uses the WAL descriptor. Then close the database, then {@link releaseWal}.
   */
  async drain(): Promise<void> {
    while (this.pending.length > 0 && this.db.open) this.flush();
    if (this.ownSync && this.db.open) await this.afterSync(this.committedSeq).catch(() => undefined);
    // No sync may still hold the descriptor when it is closed (a reused fd number would get the fdatasync).
    while (this.syncsInFlight > 0) await new Promise((resolve) => setTimeout(resolve, 1));
  }

  /** Closes this queue's own descriptor of the WAL, after the database is closed. */
  releaseWal(): void {
    if (this.walFd !== null) {
      closeSync(this.walFd);
      this.walFd = null;
    }
  }

  /**
   * Queues a write for the next group commit; resolves with its result once the commit is durable. `atomic`: the
   * write runs several statements (it gets a savepoint); a single statement is atomic by itself.
   */
  write<T>(run: () => T, atomic = false): Promise<T> {
    if (this.syncFailure) return Promise.reject(this.syncFailure);
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ run, atomic, resolve: resolve as (value: unknown) => void, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending.splice(0, MAX_BATCH);
    if (this.pending.length > 0) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
    if (batch.length === 0) return;
    if (!this.db.open) {
      for (const op of batch) op.reject(new StoreUnavailableError('the SQLite store is closed'));
      return;
    }
    const outcomes: { ok: boolean; value: unknown }[] = [];
    try {
      this.commitBatch.immediate(batch, outcomes);
    } catch (error) {
      // The commit itself failed (disk full, I/O error, lock timeout): nothing of the batch is durable, so nobody
      // gets a success, and nothing was written, so each caller may try again later.
      const unavailable = new StoreUnavailableError(
        `the SQLite store could not commit: ${(error as Error).message}`,
        { cause: error },
      );
      for (const op of batch) op.reject(unavailable);
      return;
    }
    const settle = () =>
      batch.forEach((op, i) => {
        const outcome = outcomes[i]!;
        if (outcome.ok) op.resolve(outcome.value);
        else op.reject(outcome.value);
      });
    if (!this.ownSync) return settle();
    this.afterSync(++this.committedSeq).then(settle, (error: unknown) => {
      for (const op of batch) op.reject(error);
    });
  }

  /** Resolves when a WAL sync that started after commit number `seq` has returned. */
  private afterSync(seq: number): Promise<void> {
    if (this.syncFailure) return Promise.reject(this.syncFailure);
    if (seq <= this.syncedSeq) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.syncWaiters.push({ seq, resolve, reject });
      this.startSync();
    });
  }

  /**
   * Starts a sync covering every commit so far, unless one already covers them. Up to {@link MAX_SYNCS} run at
   * once (libuv's pool has 4 threads), so a commit made during a sync does not wait for that sync to end before
   * its own starts; a sync only ever resolves the commits made before it started.
   */
  private startSync(): void {
    if (this.syncFailure || this.startedSeq >= this.committedSeq || this.syncsInFlight >= MAX_SYNCS) return;
    const target = this.committedSeq;
    let fd: number;
    try {
      fd = this.openWal();
    } catch (error) {
      return this.failSync(error);
    }
    this.startedSeq = target;
    this.syncsInFlight += 1;
    this.syncFile(fd, (error) => {
      this.syncsInFlight -= 1;
      if (error) return this.failSync(error);
      if (target > this.syncedSeq) this.syncedSeq = target;
      for (let i = this.syncWaiters.length - 1; i >= 0; i--) {
        const waiter = this.syncWaiters[i]!;
        if (waiter.seq <= target) {
          this.syncWaiters.splice(i, 1);
          waiter.resolve();
        }
      }
      this.startSync();
    });
  }

  private openWal(): number {
    if (this.walFd === null) {
      // The WAL exists once something was committed. fsync works on the file, whichever descriptor is used.
      this.walFd = openSync(`${this.path}-wal`, 'r');
      // Its directory entry is synced once, so the file itself survives a power cut.
      const dir = openSync(dirname(this.path), 'r');
      try {
        fsyncSync(dir);
      } finally {
        closeSync(dir);
      }
    }
    return this.walFd;
  }

  private failSync(error: unknown): void {
    this.syncFailure = new StoreUnavailableError(
      'the SQLite store could not sync its journal: restart the signer',
      { cause: error },
    );
    for (const waiter of this.syncWaiters.splice(0)) waiter.reject(this.syncFailure);
  }
}
