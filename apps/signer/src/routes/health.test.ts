/** @module routes/health.test — `GET /healthz`: whether the store answers and the widget is there, over `app.request()`. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestSigner, type TestSigner } from '../../test/helpers/signer-harness.ts';
import { DEFAULT_WIDGET_FILE, widgetLoader } from '../widget/widget-asset.ts';

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
    const version = widgetLoader(DEFAULT_WIDGET_FILE)()!.version;
    const gateways = [{ id: 'default', name: 'default', healthy: true, since: null, checkedAt: null }];
    expect(await ok.json()).toEqual({ status: 'ok', store: true, widget: version, gateways });

    await t.store.close();
    const down = await t.request('/healthz');
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ status: 'degraded', store: false, widget: version, gateways });
  });

  it('reports the widget bundle: degraded while /pay-button.js has nothing to serve, ok once it is there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jupay-health-'));
    try {
      const file = join(dir, 'pay-button.js');
      t = await createTestSigner({}, { widgetFile: file });
      const missing = await t.request('/healthz');
      expect(missing.status).toBe(503);
      expect(await missing.json()).toMatchObject({ status: 'degraded', store: true, widget: null });
      expect((await t.request('/pay-button.js')).status).toBe(503);

      writeFileSync(file, 'export {};\n');
      const built = await t.request('/healthz');
      expect(built.status).toBe(200);
      expect(await built.json()).toMatchObject({
        status: 'ok',
        store: true,
        widget: widgetLoader(file)()!.version,
      });
      expect((await t.request('/pay-button.js')).status).toBe(200);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
