/**
 * @module routes/widget
 * `GET /pay-button.js`: the self-contained `<pay-button>` bundle. A versioned URL (`?v=<current version>`) is
 * cached for a year as immutable, since those bytes never change under that URL; the bare or outdated URL is
 * revalidated on every use (`no-cache` + strong ETag → 304), so a rebuilt bundle reaches pages that do not pin a
 * version. The script is public code, so any origin may load it (`*`), which a `crossorigin` + `integrity` tag
 * needs. It is sent brotli- or gzip-compressed when the browser accepts it (widget/compressed-asset.ts), with
 * `Vary: Accept-Encoding` so caches keep the encodings apart. A missing bundle is a 503 naming the build command,
 * never a crash.
 */
import { Hono } from 'hono';
import { encodedWidget, pickContentCoding } from '../widget/compressed-asset.ts';
import { DEFAULT_WIDGET_FILE, WIDGET_BUILD_COMMAND, widgetLoader } from '../widget/widget-asset.ts';

/** Options of {@link createWidgetRoutes}. */
export interface WidgetRoutesOptions {
  /** The bundle file; default: the workspace's `packages/pay-button/dist/pay-button.js`. */
  file?: string;
}

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

/** RFC 9110 13.1.2: If-None-Match uses the weak comparison, so `W/"x"` matches `"x"`; `*` matches anything. */
function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/**
 * The widget route as a Hono app, to mount at the root of the signer.
 *
 * @example
 * app.route('/', createWidgetRoutes());
 * // GET /pay-button.js?v=<version> → 200 text/javascript, Cache-Control: public, max-age=31536000, immutable
 */
export function createWidgetRoutes(options: WidgetRoutesOptions = {}): Hono {
  const load = widgetLoader(options.file ?? DEFAULT_WIDGET_FILE);
  const app = new Hono();

  app.get('/pay-button.js', (c) => {
    const asset = load();
    if (!asset) {
      c.header('Cache-Control', 'no-store');
      return c.json(
        {
          error: {
            code: 'WIDGET_NOT_BUILT',
            message: `pay-button.js has not been built yet: run \`${WIDGET_BUILD_COMMAND}\``,
          },
        },
        503,
      );
    }
    const coding = pickContentCoding(c.req.header('accept-encoding'));
    const encoded =
      coding === null ? { body: asset.content, etag: asset.etag } : encodedWidget(asset, coding);
    const headers: Record<string, string> = {
      ETag: encoded.etag,
      Vary: 'Accept-Encoding',
      'Cache-Control': c.req.query('v') === asset.version ? IMMUTABLE : REVALIDATE,
      'Access-Control-Allow-Origin': '*',
      // Loadable by pages of any origin even where Cross-Origin-Embedder-Policy is on.
      'Cross-Origin-Resource-Policy': 'cross-origin',
    };
    if (matchesIfNoneMatch(c.req.header('if-none-match'), encoded.etag)) return c.body(null, 304, headers);
    return c.body(new Uint8Array(encoded.body), 200, {
      ...headers,
      'Content-Type': 'text/javascript; charset=utf-8',
      ...(coding === null ? {} : { 'Content-Encoding': coding }),
    });
  });

  return app;
}
