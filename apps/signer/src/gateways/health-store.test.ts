/**
 * @module gateways/health-store.test
 * The health store contract on the memory store (one process: the second "instance" is the same store).
 */
import { describeHealthStoreContract } from './health-store-suite.ts';
import { memoryHealthStore } from './health-store.ts';

describeHealthStoreContract('memory', async () => {
  const store = memoryHealthStore();
  return { store, another: store, cleanup: async () => undefined };
});
