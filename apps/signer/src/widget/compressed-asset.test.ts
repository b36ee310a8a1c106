/**
 * @module widget/compressed-asset.test
 * Accept-Encoding negotiation, and encodings that decode back to the very bytes the SRI hash was taken over.
 */
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodedWidget, pickContentCoding } from './compressed-asset.ts';
import { widgetAssetOf } from './widget-asset.ts';

describe('pickContentCoding', () => {
  it('picks the acceptable coding with the highest q, brotli on a tie', () => {
    const cases: [string | undefined, string | null][] = [
      [undefined, null],
      ['', null],
      ['identity', null],
      ['gzip, deflate, br, zstd', 'br'],
      ['gzip', 'gzip'],
      ['x-gzip', 'gzip'],
      ['GZIP', 'gzip'],
      ['br', 'br'],
      ['br;q=0, gzip', 'gzip'],
      ['br;q=0.5, gzip;q=0.8', 'gzip'],
      ['br; q=0.9, gzip; q=0.9', 'br'],
      ['gzip;q=0, br;q=0', null],
      ['*', 'br'],
      ['*;q=0', null],
      ['gzip, *;q=0', 'gzip'],
      ['deflate', null],
      ['br;q=nonsense, gzip', 'gzip'],
    ];
    for (const [header, coding] of cases) expect(pickContentCoding(header), String(header)).toBe(coding);
  });
});

describe('encodedWidget', () => {
  const content = Buffer.from(`export const s = ${JSON.stringify('支付 '.repeat(400))};\n`);
  const asset = widgetAssetOf(content);

  it('compresses each coding once, to bytes that decode to the file, with a tag of its own', () => {
    const br = encodedWidget(asset, 'br');
    const gzip = encodedWidget(asset, 'gzip');
    expect(brotliDecompressSync(br.body).equals(content)).toBe(true);
    expect(gunzipSync(gzip.body).equals(content)).toBe(true);
    expect(br.body.length).toBeLessThan(content.length / 4);
    expect(gzip.body.length).toBeLessThan(content.length / 4);
    expect(br.etag).toBe(`${asset.etag.slice(0, -1)}-br"`);
    expect(gzip.etag).toBe(`${asset.etag.slice(0, -1)}-gzip"`);
    expect(new Set([asset.etag, br.etag, gzip.etag]).size).toBe(3);
    // Kept with the asset: the second call does not compress again.
    expect(encodedWidget(asset, 'br')).toBe(br);
    // Another version of the bundle gets its own encodings.
    expect(encodedWidget(widgetAssetOf(Buffer.from('export {};')), 'br')).not.toBe(br);
  });
});
