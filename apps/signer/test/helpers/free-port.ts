/**
 * @module helpers/free-port
 * A port on 127.0.0.1 that was free a moment ago: for a process whose public URL (and so its port) must be known
 * before it starts, or for a URL where nothing listens.
 */
import { createServer, type AddressInfo } from 'node:net';

/**
 * Binds port 0, reads the port, closes.
 * @example
 * const port = await freePort();
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
