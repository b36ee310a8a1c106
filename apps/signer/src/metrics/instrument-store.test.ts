/** @module metrics/instrument-store.test — failures counted by operation, results and errors passed through. */
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError, type OrderStore } from '../store/order-store.ts';
import { instrumentStore } from './instrument-store.ts';

describe('instrumentStore', () => {
  it('counts each rejected call under its method, and hands back the same results and errors', async () => {
    const failures: string[] = [];
    const order = { orderId: 'E1' };
    const refusal = new StoreUnavailableError('down');
    const fake = {
      getOrder: async (id: string) => (id === 'E1' ? order : null),
      markPaid: async () => {
        throw refusal;
      },
      migrate: async () => {
        throw new Error('not counted');
      },
    } as unknown as OrderStore;
    const store = instrumentStore(fake, { storeError: (operation) => failures.push(operation) });
    expect(await store.getOrder('E1')).toBe(order);
    await expect(store.markPaid({} as never)).rejects.toBe(refusal);
    await expect(store.migrate()).rejects.toThrow('not counted');
    await new Promise((resolve) => setImmediate(resolve));
    expect(failures).toEqual(['markPaid']);
  });
});
