/**
 * @module helpers/counting-gateway
 * The gateway simulator's `Pay_Trade_query.html`, served over real HTTP by a server of its own that records every
 * order query before the simulator answers it: the order id and the time on the test's clock (a fake clock in the
 * rate-cap tests), so a test can count queries per order and per second as the gateway saw them. Answers are the
 * simulator's own (its app, called in this process), correctly signed.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { GatewaySim } from '@jupay/gateway-sim';

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
 * Starts the counting gateway on 127.0.0.1 (a free port) in front of `sim`.
 * @example
 * const gw = await countingGateway(sim, () => clock);
 * // ... createReconciler({ queryUrl: gw.url, ... })
 * Math.max(...gw.perSecond().values()); // the busiest second
 */
export async function countingGateway(sim: GatewaySim, clock: () => number): Promise<CountingGateway> {
  const queries: SeenQuery[] = [];
  const { url, close } = await new Promise<{ url: string; close: () => Promise<void> }>((resolve) => {
    const server = serve(
      {
        port: 0,
        hostname: '127.0.0.1',
        fetch: async (request) => {
          const at = clock();
          const body = await request.clone().text();
          queries.push({ orderId: new URLSearchParams(body).get('pay_orderid') ?? '', at });
          return sim.app.fetch(request);
        },
      },
      (info: AddressInfo) =>
        resolve({
          url: `http://127.0.0.1:${info.port}/Pay_Trade_query.html`,
          close: () =>
            new Promise<void>((done) => {
              (server as import('node:http').Server).closeAllConnections();
              server.close(() => done());
            }),
        }),
    );
  });
  const count = <K>(key: (q: SeenQuery) => K) => {
    const out = new Map<K, number>();
    for (const q of queries) out.set(key(q), (out.get(key(q)) ?? 0) + 1);
    return out;
  };
  return {
    url,
    queries,
    perOrder: () => count((q) => q.orderId),
    perSecond: () => count((q) => Math.floor(q.at / 1000)),
    close,
  };
}
