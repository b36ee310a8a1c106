/**
 * @module store/postgres-store.contract.test
 * The shared `OrderStore` contract against the real PostgreSQL server, each test in its own schema.
 */
import { dropSchema, freshSchemaName, TEST_PG_URL } from '../test-support/postgres.ts';
import { createPostgresStore } from './postgres-store.ts';
import { describeOrderStoreContract } from './store-suite.ts';

describeOrderStoreContract('postgres', async () => {
  const schema = freshSchemaName();
  const open = async () => {
    const store = createPostgresStore({ url: TEST_PG_URL, schema, max: 4 });
    await store.migrate();
    return store;
  };
  return { store: await open(), openAnother: open, cleanup: () => dropSchema(schema) };
});
