/**
 * @module http/response-header.test
 * Headers set before the handler answers, on a tiny app: through Hono's `c.header` under `app.request()`, and
 * straight onto Node's response under `@hono/node-server`; either way they arrive, append joins values, and a
 * header the handler sets itself wins.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { listen } from '../../test/helpers/signer-harness.ts';
import { tinyApp } from '../../test/helpers/tiny-app.ts';
import { HttpError } from '../errors.ts';
import { setResponseHeader } from './response-header.ts';

let server: { url: string; close(): Promise<void> } | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function headerApp() {
  const { app } = tinyApp();
  app.use((c, next) => {
    setResponseHeader(c, 'X-Content-Type-Options', 'nosniff');
    setResponseHeader(c, 'Vary', 'Origin', true);
    setResponseHeader(c, 'Cache-Control', 'no-store');
    return next();
  });
  app.get('/json', (c) => {
    setResponseHeader(c, 'Vary', 'Accept-Encoding', true);
    return c.json({ ok: 1 });
  });
  app.get('/text', (c) => c.text('plain'));
  app.get('/own', (c) => c.json({ ok: 1 }, 200, { 'Cache-Control': 'public, max-age=60' }));
  app.get('/error', () => {
    throw new HttpError('ORDER_NOT_FOUND', 'no such order');
  });
  return app;
}

/** The headers each path answers with, through `app.request()` or over real HTTP. */
async function headersOf(get: (path: string) => Promise<Response>) {
  const out: Record<string, Record<string, string | null>> = {};
  for (const path of ['/json', '/text', '/own', '/error']) {
    const res = await get(path);
    await res.arrayBuffer();
    out[path] = {
      status: String(res.status),
      nosniff: res.headers.get('x-content-type-options'),
      vary: res.headers.get('vary'),
      cache: res.headers.get('cache-control'),
      type: res.headers.get('content-type')?.split(';')[0] ?? null,
    };
  }
  return out;
}

const EXPECTED = {
  '/json': {
    status: '200',
    nosniff: 'nosniff',
    vary: 'Origin, Accept-Encoding',
    cache: 'no-store',
    type: 'application/json',
  },
  '/text': { status: '200', nosniff: 'nosniff', vary: 'Origin', cache: 'no-store', type: 'text/plain' },
  '/own': {
    status: '200',
    nosniff: 'nosniff',
    vary: 'Origin',
    cache: 'public, max-age=60',
    type: 'application/json',
  },
  '/error': {
    status: '404',
    nosniff: 'nosniff',
    vary: 'Origin',
    cache: 'no-store',
    type: 'application/json',
  },
};

describe('setResponseHeader', () => {
  it('under app.request(): through c.header', async () => {
    const app = headerApp();
    expect(await headersOf(async (path) => await app.request(path))).toEqual(EXPECTED);
  });

  it('on @hono/node-server: onto Node’s response, with the same result', async () => {
    const app = headerApp();
    server = await listen(async (request, env) => await app.fetch(request, env));
    expect(await headersOf((path) => fetch(`${server!.url}${path}`))).toEqual(EXPECTED);
  });
});
