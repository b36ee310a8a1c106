/**
 * @module widget/compressed-asset
 * The widget bundle compressed for the wire: brotli or gzip, chosen from `Accept-Encoding` (RFC 9110 12.5.3). Each
 * encoding of one bundle version is compressed once, on its first request, and kept with that version; each has
 * its own strong ETag (one representation, one tag). Subresource Integrity is unaffected: browsers check it over
 * the decoded bytes, so the snippet's hash stays that of the file.
 */
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { WidgetAsset } from './widget-asset.ts';

/** The content codings the signer serves the bundle in, besides none. */
export type ContentCoding = 'br' | 'gzip';

/** One encoded representation of the bundle. */
export interface EncodedWidget {
  body: Buffer;
  /** The asset's tag with the coding appended inside the quotes: `"<sha256>-br"`. */
  etag: string;
}

/**
 * The coding to answer with: the acceptable one (q > 0) with the highest q, brotli on a tie (smaller); null for
 * none (no header, `identity` only, or both refused with `q=0`). `*` stands for every coding not named;
 * `x-gzip` is gzip.
 *
 * @example
 * pickContentCoding('gzip, deflate, br'); // 'br'
 * pickContentCoding('br;q=0, gzip'); // 'gzip'
 * pickContentCoding(undefined); // null
 */
export function pickContentCoding(acceptEncoding: string | undefined): ContentCoding | null {
  if (acceptEncoding === undefined) return null;
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (name === '') continue;
    const q = params.find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    weights.set(name === 'x-gzip' ? 'gzip' : name, Number.isFinite(weight) ? weight : 0);
  }
  const weightOf = (coding: ContentCoding) => weights.get(coding) ?? weights.get('*') ?? 0;
  const br = weightOf('br');
  const gzip = weightOf('gzip');
  if (br <= 0 && gzip <= 0) return null;
  return br >= gzip ? 'br' : 'gzip';
}

const cache = new WeakMap<WidgetAsset, Partial<Record<ContentCoding, EncodedWidget>>>();

/**
 * The bundle in `coding`, compressed on first use and then kept with the asset (a rebuilt bundle is a new asset,
 * so its old encodings go with it).
 *
 * @example
 * const { body, etag } = encodedWidget(asset, 'br');
 */
export function encodedWidget(asset: WidgetAsset, coding: ContentCoding): EncodedWidget {
  let encodings = cache.get(asset);
  if (!encodings) cache.set(asset, (encodings = {}));
  return (encodings[coding] ??= {
    body:
      coding === 'br'
        ? brotliCompressSync(asset.content, {
            params: {
              [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
              [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
              [constants.BROTLI_PARAM_SIZE_HINT]: asset.content.length,
            },
          })
        : gzipSync(asset.content, { level: 9 }),
    etag: `${asset.etag.slice(0, -1)}-${coding}"`,
  });
}
