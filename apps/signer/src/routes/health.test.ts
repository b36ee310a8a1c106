/** @module routes/health.test — `GET /healthz`: whether the store answers, over `app.request()`. */
import { afterEach, describe, expect, it } from 'vitest';
import { createTestSigner, type TestSigner } from '../../test/helpers/signer-harness.ts';

let t: TestSigner;
afterEach(async () => {
  await t?.close();
});

describe('GET /healthz', () => {
  it('reports the store: 200 ok while it answers, 503 degraded once it does not', async () => {
    t = await createTestSigner();
    const ok = await t.request('/healthz');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toBe('no-store');
    expect(await ok.json()).toEqual({ status: 'ok', store: true });

    await t.store.close();
    const down = await t.request('/healthz');
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ status: 'degraded', store: false });
  });
});
