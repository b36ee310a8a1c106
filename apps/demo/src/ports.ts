/**
 * @module ports
 * Picking ports before anything listens: the signer's public URL (and so the gateway's notify URL) and the demo's
 * origin (the signer's allowed origin and return page) must be known before the servers that use them start.
 */
import { createServer } from 'node:net';

/**
 * A port that was free a moment ago on `host` (the OS picks it). Another process could take it before we listen;
 * on a test machine that window is short enough.
 *
 * @example
 * const port = await freePort('127.0.0.1');
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Resolves a wanted port: 0 means "any free port".
 *
 * @example
 * await resolvePort(0); // e.g. 39217
 * await resolvePort(4300); // 4300
 */
export async function resolvePort(wanted: number, host = '127.0.0.1'): Promise<number> {
  if (!Number.isInteger(wanted) || wanted < 0 || wanted > 65535) {
    throw new TypeError(`port: expected an integer from 0 to 65535, got ${wanted}`);
  }
  return wanted === 0 ? freePort(host) : wanted;
}
