/**
 * @module widget/widget-asset
 * The `<pay-button>` bundle as the signer serves it: its bytes, a content hash for the ETag and the `?v=` version,
 * and the Subresource Integrity value for the snippet merchants paste. The file is re-read only when its size or
 * modification time changes, so a rebuild is picked up without restarting the signer and a request costs one stat.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The bundle this signer serves. The built package carries its own copy (`dist/widget/pay-button.js`, put there by
 * the signer's build), so an installed signer always has it; run from its TypeScript sources in the workspace, the
 * signer serves the pay-button package's build output directly, so a rebuilt element is served at once.
 *
 * @example
 * widgetLoader(DEFAULT_WIDGET_FILE)();
 */
export const DEFAULT_WIDGET_FILE = fileURLToPath(
  import.meta.url.endsWith('.ts')
    ? new URL('../../../../packages/pay-button/dist/pay-button.js', import.meta.url)
    : new URL('./pay-button.js', import.meta.url),
);

/** The command that produces the bundle; named in every "not built" error. */
export const WIDGET_BUILD_COMMAND = 'pnpm --filter @jupay/pay-button build';

/** One version of the bundle. */
export interface WidgetAsset {
  /** The file's bytes. */
  content: Buffer;
  /** The first 16 hex digits of the SHA-256 of the content: the `?v=` value of versioned URLs. */
  version: string;
  /** A strong ETag (quoted, no `W/`): the same bytes always get the same tag. */
  etag: string;
  /** `sha384-<base64>`, for the `integrity` attribute of the script tag. */
  integrity: string;
}

/** What a merchant pastes into a page, built from the signer's public URL and the current bundle. */
export interface WidgetSnippet {
  /** The versioned script URL, e.g. `https://pay.shop.example/pay-button.js?v=3f2a...`. */
  src: string;
  version: string;
  integrity: string;
  /** `<script type="module" src=... integrity=... crossorigin="anonymous"></script>` */
  scriptTag: string;
}

/**
 * Hashes bundle bytes into a {@link WidgetAsset}.
 *
 * @example
 * widgetAssetOf(Buffer.from('export {};')).integrity; // 'sha384-...'
 */
export function widgetAssetOf(content: Buffer): WidgetAsset {
  if (!Buffer.isBuffer(content)) throw new TypeError('content: expected a Buffer');
  const sha256 = createHash('sha256').update(content).digest('hex');
  return {
    content,
    version: sha256.slice(0, 16),
    etag: `"${sha256}"`,
    integrity: `sha384-${createHash('sha384').update(content).digest('base64')}`,
  };
}

/**
 * A loader for the bundle at `file`: returns the current asset, or null when the file does not exist (not built
 * yet). Other read errors (permissions, a directory) throw, since they are not fixed by building.
 *
 * @example
 * const load = widgetLoader(DEFAULT_WIDGET_FILE);
 * const asset = load(); // null until the pay-button is built
 */
export function widgetLoader(file: string = DEFAULT_WIDGET_FILE): () => WidgetAsset | null {
  if (typeof file !== 'string' || file === '') throw new TypeError('file: expected a path');
  let cached: { key: string; asset: WidgetAsset } | null = null;
  return () => {
    let stat;
    try {
      stat = statSync(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        cached = null;
        return null;
      }
      throw error;
    }
    const key = `${stat.size}:${stat.mtimeMs}`;
    if (cached?.key !== key) cached = { key, asset: widgetAssetOf(readFileSync(file)) };
    return cached.asset;
  };
}

/**
 * The snippet for the bundle currently at `file`, served by a signer at `publicUrl`; null when it is not built.
 *
 * @example
 * const s = widgetSnippet('https://pay.shop.example');
 * // s.scriptTag: <script type="module" src="https://pay.shop.example/pay-button.js?v=..." integrity="sha384-..."
 * //              crossorigin="anonymous"></script>
 */
export function widgetSnippet(publicUrl: string, file: string = DEFAULT_WIDGET_FILE): WidgetSnippet | null {
  let base: URL;
  try {
    base = new URL(publicUrl);
  } catch {
    throw new TypeError('publicUrl: expected an absolute http(s) URL');
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:')
    throw new TypeError('publicUrl: expected an absolute http(s) URL');
  const asset = widgetLoader(file)();
  if (!asset) return null;
  const src = `${base.href.replace(/\/+$/, '')}/pay-button.js?v=${asset.version}`;
  return {
    src,
    version: asset.version,
    integrity: asset.integrity,
    // crossorigin is required with integrity on a cross-origin script: the check needs a CORS response.
    scriptTag: `<script type="module" src="${src}" integrity="${asset.integrity}" crossorigin="anonymous"></script>`,
  };
}
