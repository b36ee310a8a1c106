/**
 * @module helpers/counting-gateway
 * A real HTTP server in front of the gateway simulator's `Pay_Trade_query.html` that records every order query it
 * passes on: the order id and the time on the test's clock (a fake clock in the rate-cap tests), so a test can count
 * queries per order and per second as the gateway saw them. Answers are the simulator's own, correctly signed.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One query as the gateway received it. */
export interface SeenQuery {
  orderId: string;
  /** The test clock's time when the query arrived, in ms. */
  at: number;
}

/** What {@link countingGateway} returns. */
export interface CountingGateway {
  /** The query URL to give the signer. */
  url: string;
  queries: SeenQuery[];
  /** Queries per order id. */
  perOrder(): Map<string, number>;
  /** Queries per epoch second of the test clock. */
  perSecond(): Map<number, number>;
  close(): Promise<void>;
}

/**
 * Starts the counting gateway on 127.0.0.1 (a free port).
 * @example
 * const gw = await countingGateway(sim.url, () => clock);
 * // ... createReconciler({ queryUrl: gw.url, ... })
 * Math.max(...gw.perSecond().values()); // the busiest second
 */
export async function countingGateway(simUrl: string, clock: () => number): Promise<CountingGateway> {
  const queries: SeenQuery[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      queries.push({ orderId: new URLSearchParams(body).get('pay_orderid') ?? '', at: clock() });
      fetch(`${simUrl}/Pay_Trade_query.html`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      })
        .then(async (answer) => {
          res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/html' });
          res.end(await answer.text());
        })
        .catch(() => {
          res.writeHead(502);
          res.end('bad gateway');
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const count = <K>(key: (q: SeenQuery) => K) => {
    const out = new Map<K, number>();
    for (const q of queries) out.set(key(q), (out.get(key(q)) ?? 0) + 1);
    return out;
  };
  return {
    url: `http://127.0.0.1:${port}/Pay_Trade_query.html`,
    queries,
    perOrder: () => count((q) => q.orderId),
    perSecond: () => count((q) => Math.floor(q.at / 1000)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
