/**
 * @module store/postgres-group-commit
 * How the PostgreSQL store shares transactions and round trips between concurrent writes, apart from what they
 * write (`postgres-store.ts` holds the SQL).
 *
 * Group commit: the writes queued in one turn of the event loop go to the server as one batch, which the store runs
 * as ONE statement (multi-row inserts and updates joined to the batch's rows): one round trip, one transaction, one
 * WAL flush for all of them. Up to {@link GroupCommitOptions.maxInFlight} batches run at once on separate pooled
 * connections; writes arriving while they are all busy wait and leave together in the next batch, so batches grow
 * with the load instead of queueing one statement per request.
 *
 * Nothing is acknowledged early: each write's promise settles only when its batch's statement has returned, and with
 * `synchronous_commit = on` a returned statement is a commit flushed to the server's WAL. The signer answers `201`
 * or `OK` only after that.
 *
 * Writes with the same key (a paid transition's order id) never run in two batches at once: a transition of an
 * order whose row a running batch is changing would only wait for that batch's lock, holding up its own batch; it
 * waits for the next batch instead, where it costs no wait (and, for a duplicate, finds the order paid).
 *
 * One write cannot fail the others: when a batch's statement fails as a whole (a constraint, a value the server
 * refuses, a deadlock with another instance), nothing of it was written, and each write is run again alone, so only
 * the bad one fails. When the server cannot be reached or stops answering ({@link StoreUnavailableError}), the whole
 * batch fails as unavailable, as every write would.
 */
import { StoreUnavailableError } from './order-store.ts';

/** Options of {@link PostgresGroupCommit}. */
export interface GroupCommitOptions<Op, Result> {
  /**
   * Runs a batch as one statement (one round trip, one transaction) and returns each write's result, in order.
   * Must throw {@link StoreUnavailableError} when the server cannot serve, any other error for a batch it refused.
   */
  execute: (batch: Op[]) => Promise<Result[]>;
  /** Batches running at once, at most. Default 3. */
  maxInFlight?: number;
  /** Writes per batch, at most; the rest go in the next one. Default 500. */
  maxBatch?: number;
  /** The key of a write that must not run in two batches at once (null: none). */
  keyOf?: (op: Op) => string | null;
}

interface PendingWrite<Op, Result> {
  op: Op;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}

/**
 * The write queue of a PostgreSQL store.
 * @example
 * const writes = new PostgresGroupCommit({ execute: (ops) => runBatchStatement(ops) });
 * await writes.write({ kind: 'log', entry }); // committed (and flushed) now
 */
export class PostgresGroupCommit<Op, Result> {
  private readonly execute: (batch: Op[]) => Promise<Result[]>;
  private readonly maxInFlight: number;
  private readonly maxBatch: number;
  private readonly keyOf: (op: Op) => string | null;
  /** Keys of the writes in the running batches. */
  private readonly busy = new Map<string, number>();
  private readonly pending: PendingWrite<Op, Result>[] = [];
  private inFlight = 0;
  private flushScheduled = false;
  private readonly idleWaiters: (() => void)[] = [];
  /** Batches run so far (for tests and the bench). */
  batches = 0;

  constructor(options: GroupCommitOptions<Op, Result>) {
    this.execute = options.execute;
    this.maxInFlight = options.maxInFlight ?? 3;
    this.maxBatch = options.maxBatch ?? 500;
    this.keyOf = options.keyOf ?? (() => null);
  }

  /** Queues a write for the next batch; resolves with its result once the batch's commit has returned. */
  write(op: Op): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.pending.push({ op, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once every queued and running batch has settled (before the pool is closed). */
  drain(): Promise<void> {
    if (this.pending.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.flushScheduled || this.inFlight >= this.maxInFlight || this.pending.length === 0) return;
    this.flushScheduled = true;
    // After the current turn's callbacks, so the writes they queue leave together.
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.inFlight < this.maxInFlight && this.pending.length > 0) {
      const batch = this.take();
      if (batch.length === 0) return;
      const keys = batch.map((w) => this.keyOf(w.op)).filter((key) => key !== null);
      for (const key of keys) this.busy.set(key, (this.busy.get(key) ?? 0) + 1);
      this.inFlight += 1;
      this.batches += 1;
      void this.run(batch).finally(() => {
        for (const key of keys) {
          const left = this.busy.get(key)! - 1;
          if (left === 0) this.busy.delete(key);
          else this.busy.set(key, left);
        }
        this.inFlight -= 1;
        if (this.pending.length > 0) this.schedule();
        else if (this.inFlight === 0) for (const done of this.idleWaiters.splice(0)) done();
      });
    }
  }

  /** The next batch: pending writes in order, up to the limit, leaving those whose key a running batch holds. */
  private take(): PendingWrite<Op, Result>[] {
    if (this.busy.size === 0) return this.pending.splice(0, this.maxBatch);
    const batch: PendingWrite<Op, Result>[] = [];
    const left: PendingWrite<Op, Result>[] = [];
    for (const w of this.pending) {
      const key = this.keyOf(w.op);
      if (batch.length < this.maxBatch && (key === null || !this.busy.has(key))) batch.push(w);
      else left.push(w);
    }
    this.pending.splice(0, this.pending.length, ...left);
    return batch;
  }

  private async run(batch: PendingWrite<Op, Result>[]): Promise<void> {
    let results: Result[];
    try {
      results = await this.execute(batch.map((w) => w.op));
    } catch (error) {
      if (error instanceof StoreUnavailableError || batch.length === 1) {
        for (const w of batch) w.reject(error);
        return;
      }
      // The statement was refused as a whole, so nothing of it was written: each write alone, so only the one at
      // fault fails. They run side by side (each its own statement), outside the in-flight limit: this is rare.
      await Promise.all(
        batch.map((w) =>
          this.execute([w.op]).then(
            (alone) => w.resolve(alone[0]!),
            (aloneError: unknown) => w.reject(aloneError),
          ),
        ),
      );
      return;
    }
    batch.forEach((w, i) => w.resolve(results[i]!));
  }
}
