/**
 * @module metrics/instrument-store
 * An {@link OrderStore} that counts the failures of another in `jupay_store_errors_total`, by operation. The
 * promise the caller gets is the store's own, so results, errors and timing are unchanged.
 */
import type { OrderStore } from '../store/order-store.ts';
import type { SignerMetrics } from './metrics.ts';

/**
 * Wraps `store` so every rejected call is counted.
 * @example
 * const counted = instrumentStore(store, metrics);
 * await counted.getOrder(id); // a rejection increments jupay_store_errors_total{operation="getOrder"}
 */
export function instrumentStore(store: OrderStore, metrics: Pick<SignerMetrics, 'storeError'>): OrderStore {
  return new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== 'function' || typeof name !== 'string' || name === 'close' || name === 'migrate') {
        return value;
      }
      return (...args: unknown[]) => {
        const result = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (result instanceof Promise) result.catch(() => metrics.storeError(name));
        return result;
      };
    },
  });
}
