/**
 * @module helpers/webhook-receiver
 * A real merchant webhook endpoint for tests: a node:http server on 127.0.0.1, port 0, that verifies every request
 * with `verifyWebhook` (answering 400 when it fails) and records what it got. A test script can make it answer
 * 500, hang past the sender's timeout, or go quiet, per request.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook, type WebhookEvent } from '@jupay/webhook';
import { captureText } from './leak-log.ts';

/** One request as received, with what verification concluded. */
export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  /** The verified event, or null when verification failed. */
  event: WebhookEvent | null;
  /** The WebhookVerificationError code, when it failed. */
  error: string | null;
  status: number;
}

/** What to do with the n-th request (0-based): a status, or `hang` (never answer until closed). */
export type ReceiverBehaviour = (index: number, event: WebhookEvent | null) => number | 'hang';

/**
 * Starts a receiver. `close()` also ends hung requests.
 *
 * @example
 * ```ts
 * const receiver = await startWebhookReceiver(SECRET, (i) => (i < 2 ? 500 : 200));
 * // ... receiver.url as JUPAY_WEBHOOK_URL ...
 * await receiver.close();
 * ```
 */
export async function startWebhookReceiver(
  secret: string,
  behaviour: ReceiverBehaviour = () => 200,
  options: {
    toleranceSeconds?: number;
    /**
     * How long the merchant takes to answer, as a shop that ships before it replies: the request is recorded (and
     * counted as delivered, when its answer is a 2xx) on arrival, whether or not the sender is still there for the
     * answer.
     */
    answerAfterMs?: number;
  } = {},
) {
  const received: ReceivedWebhook[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      // What the signer sent a merchant: scanned for the key and the webhook secret (leak-guard.ts).
      captureText(
        'webhook received',
        `${Object.entries(req.headers)
          .map(([k, v]) => `${k}: ${String(v)}`)
          .join('\n')}\n\n${body}`,
      );
      let event: WebhookEvent | null = null;
      let error: string | null = null;
      try {
        event = verifyWebhook(body, req.headers['jupay-signature'], secret, options);
      } catch (e) {
        error = (e as { code?: string }).code ?? String(e);
      }
      const decided = error ? 400 : behaviour(received.length, event);
      const entry: ReceivedWebhook = {
        headers: req.headers,
        body,
        event,
        error,
        status: decided === 'hang' ? 0 : decided,
      };
      received.push(entry);
      if (decided === 'hang') return;
      const answer = () => {
        res.statusCode = decided;
        res.end(decided < 300 ? 'ok' : 'no');
      };
      if (options.answerAfterMs) setTimeout(answer, options.answerAfterMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/jupay`,
    received,
    /** Verified events answered with a 2xx. */
    accepted: () => received.filter((r) => r.event && r.status >= 200 && r.status < 300).map((r) => r.event!),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Polls `check` until it returns true or `timeoutMs` passes (then throws with `what`).
 *
 * @example
 * ```ts
 * await waitFor(() => receiver.accepted().length === 1, 'one delivery');
 * ```
 */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
