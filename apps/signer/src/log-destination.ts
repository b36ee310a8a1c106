/**
 * @module log-destination
 * Where the standalone signer writes its log lines: a file descriptor (stdout), written without ever blocking the
 * event loop and without ever holding up the process's exit. pino's default destination flushes synchronously when
 * the process exits and, on any error but EAGAIN, retries that flush for ever: a signer whose stdout reader died
 * (EPIPE) or stalled (EAGAIN) never finished its SIGTERM. Here lines queue in memory up to a bound (beyond it they
 * are counted and dropped), a failed write other than EAGAIN closes the destination (later lines are dropped), and
 * {@link FdDestination.flush} waits for the queue for a bounded time only; nothing runs at exit.
 */
import { write as fsWrite } from 'node:fs';

/** The `fs.write` shape the destination calls (tests inject failures). */
export type WriteFn = (
  fd: number,
  buffer: Uint8Array,
  callback: (error: NodeJS.ErrnoException | null, written: number) => void,
) => void;

/** Options of {@link createFdDestination}. */
export interface FdDestinationOptions {
  /** Characters queued at most while the reader is slow; further lines are dropped and counted. Default 8 Mi. */
  maxQueued?: number;
  /** The wait before trying again after EAGAIN (a full pipe). Default 20 ms. */
  retryMs?: number;
  write?: WriteFn;
}

/** A log destination on a file descriptor. */
export interface FdDestination {
  write(line: string): void;
  /**
   * Resolves true once every queued line is written, false when `timeoutMs` ran out first or the destination is
   * closed (a write failed). Never throws, never blocks.
   */
  flush(timeoutMs: number): Promise<boolean>;
  /** Lines dropped: over the queue bound, or after the destination closed. */
  readonly dropped: number;
  /** The error code that closed the destination (`EPIPE`, `EBADF`, ...), or null while it is open. */
  readonly closedBy: string | null;
}

/**
 * A non-blocking destination on `fd`, for pino.
 * @example
 * const destination = createFdDestination(1);
 * const logger = createLogger({ level: 'info', destination });
 * // at shutdown, before process.exit:
 * await destination.flush(2000);
 */
export function createFdDestination(fd: number, options: FdDestinationOptions = {}): FdDestination {
  const maxQueued = options.maxQueued ?? 8 * 1024 * 1024;
  const retryMs = options.retryMs ?? 20;
  const writeFn: WriteFn = options.write ?? ((f, buffer, callback) => fsWrite(f, buffer, callback));
  let queue: string[] = [];
  let queued = 0;
  let current: Buffer | null = null;
  let retryTimer: NodeJS.Timeout | null = null;
  let dropped = 0;
  let closedBy: string | null = null;
  const idle = new Set<() => void>();

  const settleIdle = () => {
    for (const resolve of idle) resolve();
    idle.clear();
  };

  function next(): void {
    if (closedBy !== null) return;
    if (current === null) {
      if (queue.length === 0) return settleIdle();
      current = Buffer.from(queue.length === 1 ? queue[0]! : queue.join(''), 'utf8');
      queue = [];
      queued = 0;
    }
    const buffer = current;
    writeFn(fd, buffer, (error, written) => {
      if (error) {
        if (error.code === 'EAGAIN') {
          // A full pipe: the reader is slow. Try again shortly, without holding the process open for it.
          retryTimer = setTimeout(() => {
            retryTimer = null;
            next();
          }, retryMs);
          retryTimer.unref();
          return;
        }
        // EPIPE (the reader is gone), EBADF, ...: nothing will ever be written here again.
        closedBy = error.code ?? 'ERROR';
        dropped += queue.length + 1;
        queue = [];
        queued = 0;
        current = null;
        return settleIdle();
      }
      current = written >= buffer.length ? null : buffer.subarray(written);
      next();
    });
  }

  return {
    write(line: string) {
      if (closedBy !== null || queued + line.length > maxQueued) {
        dropped += 1;
        return;
      }
      queue.push(line);
      queued += line.length;
      if (current === null && retryTimer === null) next();
    },
    flush(timeoutMs: number) {
      if (closedBy !== null) return Promise.resolve(false);
      if (current === null && queue.length === 0) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          resolve(closedBy === null && current === null && queue.length === 0);
        };
        const timer = setTimeout(() => {
          idle.delete(done);
          resolve(false);
        }, timeoutMs);
        idle.add(done);
      });
    },
    get dropped() {
      return dropped;
    },
    get closedBy() {
      return closedBy;
    },
  };
}
