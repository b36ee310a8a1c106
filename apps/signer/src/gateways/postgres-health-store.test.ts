/**
 * @module gateways/postgres-health-store.test
 * The health store contract on PostgreSQL: each test in its own schema, migrated by the order store, and two
 * stores on two pools standing in for two signer instances.
 */
import { dropSchema, freshSchemaName, TEST_PG_URL } from '../../test/helpers/postgres.ts';
import { createPostgresStore } from '../store/postgres-store.ts';
import { describeHealthStoreContract } from './health-store-suite.ts';
import { createPostgresHealthStore } from './postgres-health-store.ts';

describeHealthStoreContract('postgres', async () => {
  const schema = freshSchemaName();
  const first = createPostgresStore({ url: TEST_PG_URL, schema, max: 4 });
  await first.migrate();
  const second = createPostgresStore({ url: TEST_PG_URL, schema, max: 4 });
  return {
    store: createPostgresHealthStore(first.pool),
    another: createPostgresHealthStore(second.pool),
    async cleanup() {
      await Promise.all([first.close(), second.close()]);
      await dropSchema(schema);
    },
  };
});
