/**
 * @module helpers/leak-guard
 * vitest setup file of every signer test file. It registers the merchant key and every webhook secret the tests
 * use, captures what the file's code receives or prints (every `fetch` response, in-process or from spawned
 * signers; every write to stdout/stderr), on top of what the harness, `spawnSigner` and the webhook receiver
 * capture themselves (`app.request` responses, log lines, child output, webhook bodies), and after the file's
 * tests scans all of it for the registered secrets; a file whose output contains one fails.
 */
import { afterAll, expect } from 'vitest';
import { captureResponse, captureText, findSecret, guardSecret, settleCaptures } from './leak-log.ts';

/**
 * Every secret a signer test hands to the code under test. `key-leak.test.ts` checks that each secret literal in
 * the test files is listed here, so a new test secret cannot go unguarded.
 */
export const TEST_SECRETS: readonly string[] = [
  // The merchant key: helpers/notifications.ts TEST_KEY, helpers/sim-orders.ts DEMO.key (the gateway's demo key).
  't4ig5acnpx4fet4zapshjacjd9o4bhbi',
  // Webhook secrets: cluster.test, fulfilment.test, webhook/sender.test (two), config/load-config.test,
  // secrets-in-settings.test, webhook-crash.test.
  'whsec_cluster_test_0123456789',
  'whsec-planted-0123456789abcdef',
  'whsec_crash_test_0123456789',
  'whsec_fulfilment_0123456789',
  'whsec_test_0123456789abcdef',
  'another-secret-0123456',
  'whsec-0123456789abcdef',
  // A wrong key the credentials check must refuse (cli.test).
  'not-the-right-key-0123',
  // The operator console's token: config/load-config.test, routes/admin and metrics tests, the console e2e.
  'adm1n-t0ken-for-tests-0123456789',
  // The log scrub's own test key (log.test).
  'k3y-with-"quote"-and-\\',
];
for (const secret of TEST_SECRETS) guardSecret(secret);

const WRAPPED = Symbol.for('jupay.leak-guard.wrapped');
type Wrapped<T> = T & { [WRAPPED]?: true };

// Every fetch response, whoever made it: server.test's requests to a real server, cluster.test's to child
// processes, the reconciler's queries, the webhook sender's deliveries.
const realFetch = globalThis.fetch as Wrapped<typeof fetch>;
if (!realFetch[WRAPPED]) {
  const capturingFetch: Wrapped<typeof fetch> = async (input, init) => {
    const response = await realFetch(input, init);
    const url = input instanceof Request ? input.url : String(input);
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    captureResponse(`fetch ${method} ${url.split('?')[0]}`, response);
    return response;
  };
  capturingFetch[WRAPPED] = true;
  globalThis.fetch = capturingFetch;
}

// Anything printed (console, a pino logger on stdout): the captured copy, then the real write.
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write as Wrapped<typeof stream.write>;
  if (write[WRAPPED]) continue;
  const where = stream === process.stdout ? 'stdout' : 'stderr';
  const capturing = function (this: unknown, chunk: unknown, ...rest: unknown[]) {
    captureText(where, typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return (write as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
  } as Wrapped<typeof stream.write>;
  capturing[WRAPPED] = true;
  stream.write = capturing;
}

afterAll(async () => {
  await settleCaptures();
  const found = findSecret();
  // Only the place is reported, never the secret itself (the assertion message is output too).
  expect(found?.where, 'a secret appeared in the captured output').toBeUndefined();
});
