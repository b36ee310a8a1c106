/**
 * @module request-bodies.test
 * Request bodies that never arrive whole, over raw sockets to a real Node HTTP listener: a client that disconnects
 * mid-body is the client's doing (no error line, no 500 in the access log, whatever route and framing), and a 413
 * on an oversized body says `Connection: close` before the server closes the socket, never `keep-alive`.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestSigner, listen, type TestSigner } from './helpers/signer-harness.ts';

let t: TestSigner | undefined;
let http: { url: string; close(): Promise<void> } | undefined;
afterEach(async () => {
  await http?.close();
  await t?.close();
  http = t = undefined;
});

async function open(): Promise<Socket> {
  const port = Number(new URL(http!.url).port);
  const socket = connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  return socket;
}

const until = async (check: () => boolean, ms = 3000) => {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
};

describe('request bodies cut short or too large', () => {
  it.each([
    ['/api/checkout', 'content-type: application/json\r\ncontent-length: 1000', '{"bankCode":', 400],
    ['/api/checkout', 'content-type: application/json\r\ntransfer-encoding: chunked', '5\r\n{"a":\r\n', 400],
    ['/api/notify', 'content-length: 1000', 'memberid=10002&orderid=', 400],
    ['/api/notify', 'transfer-encoding: chunked', '9\r\nmemberid=\r\n', 400],
    // The return still sends the browser (were it there) to the shop page.
    [
      '/api/return',
      'content-type: application/x-www-form-urlencoded\r\ncontent-length: 900',
      'orderid=',
      303,
    ],
  ])(
    '%s (%s): a client gone mid-body is not an error of the signer',
    async (path, headers, partial, status) => {
      t = await createTestSigner();
      http = await listen(t.fetch);
      const socket = await open();
      socket.write(`POST ${path} HTTP/1.1\r\nhost: signer\r\n${headers}\r\n\r\n${partial}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      socket.destroy();
      await until(() => t!.logs.some((line) => line.includes(`"path":"${path}"`)));
      const lines = t.logs.map((line) => JSON.parse(line) as { level: number; msg: string; status?: number });
      const access = lines.find((line) => line.msg === 'request' || line.msg === 'request failed');
      expect(access).toMatchObject({ level: 30, status });
      expect(lines.filter((line) => line.level >= 50)).toEqual([]);
    },
  );

  it.each([
    ['chunked', 'transfer-encoding: chunked', () => `400\r\n${'x'.repeat(1024)}\r\n`.repeat(20)],
    ['declared', 'content-length: 20480', () => 'x'.repeat(1024)],
  ])('a 413 on a %s oversized body says Connection: close, then closes', async (_kind, framing, body) => {
    t = await createTestSigner();
    http = await listen(t.fetch);
    for (const path of ['/api/checkout', '/api/notify']) {
      const socket = await open();
      let answer = '';
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
      const closed = new Promise<boolean>((resolve) => socket.once('close', () => resolve(true)));
      socket.on('error', () => undefined);
      socket.write(
        `POST ${path} HTTP/1.1\r\nhost: signer\r\ncontent-type: application/json\r\n${framing}\r\n\r\n`,
      );
      socket.write(body());
      const wasClosed = await Promise.race([
        closed,
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 3000)),
      ]);
      socket.destroy();
      const head = answer.split('\r\n\r\n')[0]!.toLowerCase();
      expect(head).toMatch(/^http\/1\.1 413 /);
      expect({ path, connection: /\r\nconnection: (\S+)/.exec(head)?.[1], wasClosed }).toEqual({
        path,
        connection: 'close',
        wasClosed: true,
      });
    }
  });
});
