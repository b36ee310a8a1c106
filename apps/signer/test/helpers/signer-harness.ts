/**
 * @module helpers/signer-harness
 * Test fixtures for the signer: a valid environment, a signer on a temp-dir SQLite file whose every response and
 * log line is captured for the key-leak scan, a real HTTP listener, and checkout through the app.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import type { Fields } from '@jupay/core';
import { createSigner, type Signer, type SignerDeps } from '../../src/app.ts';
import { loadConfig, type SignerConfig } from '../../src/config/load-config.ts';
import type { OrderStore } from '../../src/store/order-store.ts';
import { openSqliteStore } from '../../src/store/sqlite-store.ts';
import { captureText } from './leak-log.ts';
import { TEST_KEY, TEST_MEMBER } from './notifications.ts';

export const SHOP_ORIGIN = 'https://shop.example';

/**
 * A complete, valid environment; `overrides` replace or (with `undefined`) remove settings.
 * @example
 * baseEnv({ JUPAY_AMOUNT_MAX: '100' });
 */
export function baseEnv(
  overrides: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return {
    JUPAY_MEMBER_ID: TEST_MEMBER,
    JUPAY_KEY: TEST_KEY,
    JUPAY_GATEWAY_URL: 'http://gateway.test/Pay_Index.html',
    JUPAY_PUBLIC_URL: 'https://pay.shop.example',
    JUPAY_RETURN_URL: 'https://shop.example/thanks',
    JUPAY_ALLOWED_ORIGINS: SHOP_ORIGIN,
    JUPAY_BANK_CODES: '902,903',
    JUPAY_AMOUNT_MIN: '0.01',
    JUPAY_AMOUNT_MAX: '5000',
    JUPAY_STORE: ':memory:',
    // gateway.test is no gateway: no active health probe of it (the tests of several gateways turn probes on).
    JUPAY_HEALTH_INTERVAL: 'off',
    ...overrides,
  };
}

/** A signer under test. */
export interface TestSigner {
  signer: Signer;
  config: SignerConfig;
  store: OrderStore;
  /** Every log line written so far (JSON strings). */
  logs: string[];
  /** `app.request` with capture. */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** `app.fetch` with capture, for a real listener. */
  fetch(request: Request, env?: unknown): Promise<Response>;
  close(): Promise<void>;
}

/**
 * Creates a signer on a fresh SQLite file in a temp dir (or on `deps.store`), capturing its responses and logs.
 * @example
 * const t = await createTestSigner({ JUPAY_RATE_LIMIT_CHECKOUT: '2' });
 * const res = await t.request('/api/config');
 * await t.close();
 */
export async function createTestSigner(
  env: Record<string, string | undefined> = {},
  deps: Omit<SignerDeps, 'logDestination'> = {},
): Promise<TestSigner> {
  const dir = mkdtempSync(join(tmpdir(), 'jupay-signer-test-'));
  const config = loadConfig(baseEnv({ JUPAY_STORE: join(dir, 'signer.db'), ...env }));
  // A given store (migrated, e.g. PostgreSQL) replaces the temp-dir SQLite file; close() closes it either way.
  let store: OrderStore;
  if (deps.store) {
    store = deps.store;
  } else {
    store = openSqliteStore(config.store);
    await store.migrate();
  }
  const logs: string[] = [];
  const signer = createSigner(config, {
    ...deps,
    store,
    logDestination: {
      write(line: string) {
        logs.push(line);
        captureText('log', line);
      },
    },
  });
  await signer.start();
  const capture = async (where: string, response: Response) => {
    const headers = [...response.headers].map(([k, v]) => `${k}: ${v}`).join('\n');
    captureText(where, `${headers}\n\n${await response.clone().text()}`);
    return response;
  };
  return {
    signer,
    config,
    store,
    logs,
    request: async (path, init) => capture(path, await signer.app.request(path, init)),
    fetch: async (request, bindings) =>
      capture(new URL(request.url).pathname, await signer.app.fetch(request, bindings)),
    async close() {
      await signer.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Serves a fetch handler on 127.0.0.1 with a free port.
 * @example
 * const http = await listen(t.fetch);
 * await fetch(`${http.url}/healthz`);
 * await http.close();
 */
export async function listen(
  fetch: (request: Request, env?: unknown) => Promise<Response>,
): Promise<{ url: string; close(): Promise<void> }> {
  return new Promise((resolve) => {
    const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            (server as import('node:http').Server).closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/**
 * Creates an order through checkout and returns its id and signed fields.
 * @example
 * const { orderId } = await checkout(t, { bankCode: '903', amount: '12.30' });
 */
export async function checkout(
  t: TestSigner,
  body: Record<string, string> = { bankCode: '903', amount: '12.30' },
): Promise<{ orderId: string; fields: Fields; action: string; statusUrl: string }> {
  const res = await t.request('/api/checkout', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`checkout answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as { orderId: string; fields: Fields; action: string; statusUrl: string };
}
