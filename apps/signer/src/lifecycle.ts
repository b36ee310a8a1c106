/**
 * @module lifecycle
 * The signer's start and stop: the store is migrated before any background service starts, services start in
 * order and stop in reverse, a service that fails to stop does not keep the others (or the store) from stopping,
 * and the store is closed only by the signer that opened it.
 */
import type { OrderStore } from './store/order-store.ts';

/** A background job with a lifecycle, started after the store is ready and stopped before it closes. */
export interface SignerService {
  name: string;
  start(): void | Promise<void>;
  stop(): void | Promise<void>;
}

/** What {@link createLifecycle} needs. */
export interface LifecycleDeps {
  store: Pick<OrderStore, 'migrate' | 'close'>;
  /** Read at `start()` and `stop()`, so services pushed onto it before `start()` are included. */
  services: readonly SignerService[];
  logger: {
    info(object: object, message: string): void;
    error(object: object, message: string): void;
  };
  /** true when the signer opened the store itself: `stop()` then closes it. */
  ownsStore: boolean;
}

/**
 * The start and stop of one signer.
 * @example
 * const { start, stop } = createLifecycle({ store, services, logger, ownsStore: true });
 * await start(); // migrates, then starts each service in order
 * await stop(); // stops them in reverse, then closes the store
 */
export function createLifecycle(deps: LifecycleDeps): { start(): Promise<void>; stop(): Promise<void> } {
  const { store, services, logger } = deps;
  let started = false;
  return {
    async start() {
      if (started) return;
      await store.migrate();
      for (const service of services) {
        await service.start();
        logger.info({ job: service.name }, 'service started');
      }
      started = true;
    },
    async stop() {
      for (const service of [...services].reverse()) {
        try {
          await service.stop();
        } catch (error) {
          logger.error({ err: error, job: service.name }, 'service did not stop cleanly');
        }
      }
      started = false;
      if (deps.ownsStore) await store.close();
    },
  };
}
