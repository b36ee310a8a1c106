/** @module http/read-body.test — the byte limit before and while reading, and UTF-8 only, on a tiny app. */
import { describe, expect, it } from 'vitest';
import { errorOf } from '../../test/helpers/http.ts';
import { tinyApp } from '../../test/helpers/tiny-app.ts';
import { readBodyText } from './read-body.ts';

const LIMIT = 16;

function echo() {
  const { app } = tinyApp();
  app.post('/echo', async (c) => c.json({ text: await readBodyText(c, LIMIT) }));
  return app;
}

/** A body without Content-Length, in the given chunks. */
function chunked(chunks: Uint8Array[]): RequestInit {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  return { method: 'POST', body, duplex: 'half' } as RequestInit;
}

const bytes = (text: string) => new TextEncoder().encode(text);

describe('readBodyText', () => {
  it('reads a body up to the limit, with Content-Length or chunked', async () => {
    const app = echo();
    expect(await (await app.request('/echo', { method: 'POST', body: 'x'.repeat(LIMIT) })).json()).toEqual({
      text: 'x'.repeat(LIMIT),
    });
    // A character split across chunks is decoded whole.
    const split = bytes('中文');
    const res = await app.request('/echo', chunked([split.slice(0, 2), split.slice(2, 4), split.slice(4)]));
    expect(await res.json()).toEqual({ text: '中文' });
    expect(await (await app.request('/echo', { method: 'POST' })).json()).toEqual({ text: '' });
  });

  it('refuses a declared length over the limit (or not a number) before reading a byte', async () => {
    const app = echo();
    for (const length of [String(LIMIT + 1), '99999', '-1', '1e3', 'abc']) {
      const res = await app.request('/echo', {
        method: 'POST',
        headers: { 'content-length': length },
        body: '{}',
      });
      expect(await errorOf(res)).toEqual({
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
        message: `the request body is larger than ${LIMIT} bytes`,
      });
    }
  });

  it('cuts a chunked body as soon as it passes the limit', async () => {
    const app = echo();
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(bytes('x'.repeat(10)));
        if (pulled === 100) controller.close();
      },
    });
    const res = await app.request('/echo', { method: 'POST', body, duplex: 'half' } as RequestInit);
    expect(await errorOf(res)).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    // Two chunks pass the limit; the rest of the stream is never read.
    expect(pulled).toBeLessThan(5);
  });

  it('refuses bytes that are not UTF-8, and drops a leading BOM', async () => {
    const app = echo();
    for (const init of [
      { method: 'POST', body: new Uint8Array([0x61, 0xff, 0x62]) },
      chunked([new Uint8Array([0xe4, 0xb8])]),
    ]) {
      expect(await errorOf(await app.request('/echo', init))).toEqual({
        status: 400,
        code: 'INVALID_REQUEST',
        message: 'the request body is not valid UTF-8',
      });
    }
    const bom = await app.request('/echo', {
      method: 'POST',
      body: new Uint8Array([0xef, 0xbb, 0xbf, 0x61]),
    });
    expect(await bom.json()).toEqual({ text: 'a' });
  });
});
