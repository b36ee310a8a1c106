/**
 * @module routes/widget.test
 * The bundle route over `app.request()`: headers, versioned caching, 304s, CORS, the not-built 503, rebuilds.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listen } from '../../test/helpers/signer-harness.ts';
import { widgetAssetOf, widgetSnippet } from '../widget/widget-asset.ts';
import { createWidgetRoutes } from './widget.ts';

const BUNDLE = 'export class PayButton extends HTMLElement {}\n// 支付\n';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'jupay-widget-'));
  file = join(dir, 'pay-button.js');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('GET /pay-button.js', () => {
  it('serves the bundle bytes as JavaScript with a strong content-hash ETag and CORS *', async () => {
    writeFileSync(file, BUNDLE);
    const res = await createWidgetRoutes({ file }).request('/pay-button.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await res.text()).toBe(BUNDLE);
    const sha256 = createHash('sha256').update(BUNDLE).digest('hex');
    expect(res.headers.get('etag')).toBe(`"${sha256}"`);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    // The bare URL may change content on a rebuild: it must be revalidated, never cached as immutable.
    expect(res.headers.get('cache-control')).toBe('no-cache');
  });

  it('caches the versioned URL for a year as immutable, and only when the version is the current one', async () => {
    writeFileSync(file, BUNDLE);
    const app = createWidgetRoutes({ file });
    const { version } = widgetAssetOf(Buffer.from(BUNDLE));
    const current = await app.request(`/pay-button.js?v=${version}`);
    expect(current.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const outdated = await app.request('/pay-button.js?v=0123456789abcdef');
    expect(outdated.status).toBe(200);
    expect(outdated.headers.get('cache-control')).toBe('no-cache');
  });

  it('answers 304 without a body to a matching If-None-Match (strong, weak, list, *), 200 otherwise', async () => {
    writeFileSync(file, BUNDLE);
    const app = createWidgetRoutes({ file });
    const etag = (await app.request('/pay-button.js')).headers.get('etag')!;
    for (const header of [etag, `W/${etag}`, `"nope", ${etag}`, '*']) {
      const res = await app.request('/pay-button.js', { headers: { 'If-None-Match': header } });
      expect(res.status, header).toBe(304);
      expect(await res.text()).toBe('');
      expect(res.headers.get('etag')).toBe(etag);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
    }
    const stale = await app.request('/pay-button.js', { headers: { 'If-None-Match': '"other"' } });
    expect(stale.status).toBe(200);
  });

  it('answers 503 JSON naming the build command when the bundle is missing, then serves it once built', async () => {
    const app = createWidgetRoutes({ file });
    const missing = await app.request('/pay-button.js');
    expect(missing.status).toBe(503);
    expect(missing.headers.get('cache-control')).toBe('no-store');
    const body = (await missing.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('WIDGET_NOT_BUILT');
    expect(body.error.message).toContain('pnpm --filter @jupay/pay-button build');

    writeFileSync(file, BUNDLE);
    const built = await app.request('/pay-button.js');
    expect(built.status).toBe(200);
    expect(await built.text()).toBe(BUNDLE);
  });

  it('picks up a rebuilt bundle without a restart: new bytes, new ETag, old ETag no longer 304', async () => {
    writeFileSync(file, BUNDLE);
    const app = createWidgetRoutes({ file });
    const first = await app.request('/pay-button.js');
    const oldTag = first.headers.get('etag')!;
    writeFileSync(file, `${BUNDLE}// rebuilt\n`);
    // Some filesystems keep the same mtime within a second: move it so the size+mtime key surely changes.
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const second = await app.request('/pay-button.js', { headers: { 'If-None-Match': oldTag } });
    expect(second.status).toBe(200);
    expect(second.headers.get('etag')).not.toBe(oldTag);
    expect(await second.text()).toContain('// rebuilt');
  });

  it('answers HEAD with the headers and no body', async () => {
    writeFileSync(file, BUNDLE);
    const res = await createWidgetRoutes({ file }).request('/pay-button.js', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await res.text()).toBe('');
  });

  it('sends brotli or gzip as Accept-Encoding asks, each with its own ETag and 304, Vary on every answer', async () => {
    writeFileSync(file, BUNDLE.repeat(50));
    const app = createWidgetRoutes({ file });
    const asset = widgetAssetOf(Buffer.from(BUNDLE.repeat(50)));
    const get = (acceptEncoding?: string, ifNoneMatch?: string) =>
      app.request('/pay-button.js', {
        headers: {
          ...(acceptEncoding === undefined ? {} : { 'Accept-Encoding': acceptEncoding }),
          ...(ifNoneMatch === undefined ? {} : { 'If-None-Match': ifNoneMatch }),
        },
      });
    const decode = { br: brotliDecompressSync, gzip: gunzipSync, none: (b: Buffer) => b };
    const tags: string[] = [];
    for (const [acceptEncoding, coding] of [
      ['gzip, deflate, br', 'br'],
      ['gzip, deflate', 'gzip'],
      [undefined, 'none'],
    ] as const) {
      const res = await get(acceptEncoding);
      expect(res.status).toBe(200);
      expect(res.headers.get('vary')).toBe('Accept-Encoding');
      expect(res.headers.get('content-encoding')).toBe(coding === 'none' ? null : coding);
      expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      const body = Buffer.from(await res.arrayBuffer());
      if (coding !== 'none') expect(body.length).toBeLessThan(asset.content.length / 4);
      expect(decode[coding](body).equals(asset.content)).toBe(true);
      const etag = res.headers.get('etag')!;
      tags.push(etag);
      // Revalidation: the tag of this encoding matches this encoding only.
      const again = await get(acceptEncoding, etag);
      expect(again.status).toBe(304);
      expect(again.headers.get('vary')).toBe('Accept-Encoding');
      expect(again.headers.get('etag')).toBe(etag);
      expect(await again.text()).toBe('');
    }
    expect(tags).toEqual([
      `"${asset.etag.slice(1, -1)}-br"`,
      `"${asset.etag.slice(1, -1)}-gzip"`,
      asset.etag,
    ]);
    expect((await get('gzip', tags[0])).status).toBe(200);
    expect((await get('br', tags[2])).status).toBe(200);
  });

  it('over real HTTP: a client that decodes gets the file whose sha384 is the snippet integrity', async () => {
    writeFileSync(file, BUNDLE.repeat(50));
    const http = await listen(async (request) => createWidgetRoutes({ file }).fetch(request));
    try {
      const snippet = widgetSnippet(http.url, file)!;
      // fetch (undici) decodes what it gets, as a browser does before it checks the integrity.
      for (const coding of ['br', 'gzip']) {
        const res = await fetch(snippet.src, { headers: { 'accept-encoding': coding } });
        expect(res.headers.get('content-encoding')).toBe(coding);
        const decoded = Buffer.from(await res.arrayBuffer());
        expect(`sha384-${createHash('sha384').update(decoded).digest('base64')}`).toBe(snippet.integrity);
        expect(decoded.toString()).toBe(BUNDLE.repeat(50));
      }
    } finally {
      await http.close();
    }
  });
});
