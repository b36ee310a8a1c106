/**
 * @module store/lazy-store
 * An {@link OrderStore} that opens the real one on first use, so `createSigner(config)` stays synchronous for
 * merchants who mount the app in their own server. A failed open is retried on the next call.
 */
import { StoreUnavailableError, type OrderStore } from './order-store.ts';

const METHODS = [
  'migrate',
  'createOrder',
  'getOrder',
  'markPaid',
  'applyNotification',
  'recordNotification',
  'listNotifications',
  'prune',
  'recordAnomaly',
  'listAnomalies',
  'recordGatewayQuery',
  'listGatewayQueries',
  'claimDueOrders',
  'scheduleNextQuery',
  'releaseClaims',
  'recordReach',
  'takeQuerySlots',
  'claimDueEvents',
  'markEventDelivered',
  'markEventFailed',
  'listEvents',
] as const satisfies readonly (keyof OrderStore)[];

/** The opener of each store made by {@link lazyStore}, for {@link openedStore}. */
const openers = new WeakMap<OrderStore, () => Promise<OrderStore>>();

/**
 * The store behind `store`: for one made by {@link lazyStore}, the real store (opened now if it was not yet); any
 * other store is itself. For tooling that needs the implementation (the operator console reads through its
 * database handle).
 * @example
 * const real = await openedStore(signer.store); // a SqliteStore or a PostgresOrderStore
 */
export async function openedStore(store: OrderStore): Promise<OrderStore> {
  const open = openers.get(store);
  return open ? open() : store;
}

/**
 * Wraps `open` (which must return a migrated store) as a store.
 * @example
 * const store = lazyStore(() => openStore(config.store));
 * await store.getOrder(id); // opens and migrates on this first call
 */
export function lazyStore(open: () => Promise<OrderStore>): OrderStore {
  let opening: Promise<OrderStore> | undefined;
  let closed = false;
  const get = (): Promise<OrderStore> => {
    if (closed) return Promise.reject(new StoreUnavailableError('the store is closed'));
    opening ??= open().catch((error: unknown) => {
      opening = undefined;
      // Whatever stopped the open (server down, unwritable path), the caller's request cannot be served now.
      throw error instanceof StoreUnavailableError
        ? error
        : new StoreUnavailableError(
            `the store could not be opened: ${error instanceof Error ? error.message : String(error)}`,
            {
              cause: error,
            },
          );
    });
    return opening;
  };
  const store = {
    async ping(): Promise<boolean> {
      try {
        return await (await get()).ping();
      } catch {
        return false;
      }
    },
    async close(): Promise<void> {
      closed = true;
      const current = opening;
      opening = undefined;
      if (current) await (await current.catch(() => undefined))?.close();
    },
  } as OrderStore;
  openers.set(store, get);
  for (const name of METHODS) {
    (store as unknown as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      const real = (await get()) as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
      return real[name]!(...args);
    };
  }
  return store;
}
