/**
 * @module helpers/tcp-link
 * A TCP forwarder on 127.0.0.1 in front of a real server (PostgreSQL in the tests) that a test can cut and restore,
 * standing in for a network partition or a server restart: cut() drops every open connection and refuses new ones.
 */
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';

/** A running link; `port` stays the same across cut() and restore(). */
export interface TcpLink {
  port: number;
  /** Destroys every forwarded connection and refuses new ones until restore(). */
  cut(): Promise<void>;
  /** Accepts and forwards connections again, on the same port. */
  restore(): Promise<void>;
  /**
   * Stops forwarding on the open connections without closing them (a dead peer behind a NAT, a partition): what is
   * sent is never answered. New connections are forwarded as usual.
   */
  freeze(): void;
  close(): Promise<void>;
}

/**
 * Forwards connections on a free local port to `target`.
 * @example
 * const link = await startTcpLink({ host: '127.0.0.1', port: 5432 });
 * await link.cut(); // queries through link.port now fail
 */
export async function startTcpLink(target: { host: string; port: number }): Promise<TcpLink> {
  const sockets = new Set<Socket>();
  const pairs = new Set<[Socket, Socket]>();
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
    pairs.add([client, upstream]);
    client.on('close', () => pairs.forEach((pair) => pair[0] === client && pairs.delete(pair)));
  });
  const listen = (port: number) =>
    new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', fail);
        done();
      });
    });
  const stop = async () => {
    if (!server.listening) return;
    const closed = new Promise<void>((done) => server.close(() => done()));
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  await listen(0);
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    cut: stop,
    restore: () => listen(port),
    freeze() {
      for (const [client, upstream] of pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
      pairs.clear();
    },
    close: stop,
  };
}
