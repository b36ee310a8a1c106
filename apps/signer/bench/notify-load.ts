/**
 * @module bench/notify-load
 * The notification load of the benches (bench/http.ts, bench/cpu.ts).
 */
import type autocannon from 'autocannon';

/**
 * The notify load: each request sends the next of `bodies`, counting across every connection, so the requests in
 * flight at once are for different orders, as a gateway's are (it notifies each order once it is paid, and re-sends
 * seconds apart). The first pass pays each order, the later ones are its duplicates. (Each autocannon connection
 * walks a `requests` list from its start: with one request per body, the first pass would send each notification
 * 50 times at once.)
 * @example
 * await autocannon({ url, requests: notifyRequests(ready.notifyBodies) });
 */
export function notifyRequests(bodies: readonly string[]): autocannon.Request[] {
  let next = 0;
  return [
    {
      method: 'POST',
      path: '/api/notify',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length]! }),
    },
  ];
}
