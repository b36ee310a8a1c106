/**
 * @module helpers/postgres
 * Test helpers for the PostgreSQL server on this machine: every test file works in its own throw-away schema
 * (`t_<random>`), so files running in parallel never see each other's rows, and the schema is dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The database the tests use; `.ci/run` makes sure the server is up. */
export const TEST_PG_URL = process.env.JUPAY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * A fresh, unused schema name.
 *
 * @example
 * ```ts
 * const schema = freshSchemaName(); // 't_3f9a0c1b2d4e'
 * ```
 */
export function freshSchemaName(): string {
  return `t_${randomBytes(6).toString('hex')}`;
}

/**
 * The store URL naming a schema, for child processes that only get a URL (`JUPAY_STORE`).
 *
 * @example
 * ```ts
 * env.JUPAY_STORE = urlWithSchema(TEST_PG_URL, schema);
 * ```
 */
export function urlWithSchema(url: string, schema: string): string {
  const parsed = new URL(url);
  // The store's own `?schema=` parameter: it creates the schema in migrate and sets the search_path.
  parsed.searchParams.set('schema', schema);
  return parsed.toString();
}

/**
 * Drops a test schema and everything in it.
 *
 * @example
 * ```ts
 * afterAll(() => dropSchema(schema));
 * ```
 */
export async function dropSchema(schema: string, url = TEST_PG_URL): Promise<void> {
  if (!/^t_[0-9a-f]+$/.test(schema))
    throw new TypeError(`schema: refusing to drop ${schema}, not a test schema`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}
