/**
 * @module reconcile/polling-loop
 * The one background-loop shape the reconciliation loop and the webhook sender share: run a tick, sleep, repeat;
 * go again at once while a tick reports a full batch (a backlog); never let an error escape (a database blip must
 * not kill the process); stop cleanly, waiting for the tick in flight.
 */

/** The log methods the loops use; a pino logger fits. */
export interface WorkerLogger {
  debug(object: object, message?: string): void;
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

/** A logger that drops everything, the default for embedded use and tests. */
export const silentLogger: WorkerLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** A running background loop. */
export interface PollingLoop {
  /** Starts the loop (idempotent). */
  start(): void;
  /** Runs the next tick now instead of after the sleep (e.g. right after an order became paid). */
  wake(): void;
  /** Stops the loop; resolves once the tick in flight, if any, has finished. */
  stop(): Promise<void>;
  readonly running: boolean;
}

/**
 * Runs `tick` every `intervalMs`, or back to back while it returns `batchSize` or more.
 *
 * @example
 * ```ts
 * const loop = createPollingLoop('webhook', () => sender.runOnce(), { intervalMs: 1000, batchSize: 20, logger });
 * loop.start();
 * process.on('SIGTERM', () => loop.stop());
 * ```
 */
export function createPollingLoop(
  name: string,
  tick: () => Promise<number>,
  options: { intervalMs: number; batchSize: number; logger?: WorkerLogger },
): PollingLoop {
  const logger = options.logger ?? silentLogger;
  let running = false;
  let current: Promise<void> | null = null;
  let wakeUp: (() => void) | null = null;
  let woken = false;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken) {
        woken = false;
        resolve();
        return;
      }
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeUp = null;
        resolve();
      }
      wakeUp = done;
    });

  async function run(): Promise<void> {
    while (running) {
      let worked = 0;
      try {
        worked = await tick();
      } catch (error) {
        // Logged and retried on the next tick: the claims of a failed tick expire by themselves.
        logger.error({ err: error, loop: name }, `${name} loop tick failed`);
      }
      if (!running) break;
      if (worked < options.batchSize) await sleep(options.intervalMs);
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      woken = false;
      current = run();
    },
    wake() {
      if (!running) return;
      if (wakeUp) wakeUp();
      else woken = true;
    },
    async stop() {
      running = false;
      wakeUp?.();
      await current;
      current = null;
    },
    get running() {
      return running;
    },
  };
}
