/**
 * @module webhook/sender
 * The outbox sender: claims due `order.paid` events from the store, POSTs each as signed JSON to the merchant's
 * webhook URL, and marks it delivered on a 2xx or schedules a retry with back-off otherwise. The outbox rows are the
 * queue, so undelivered events survive restarts; claims keep two instances from sending one event at the same time.
 * Delivery is at-least-once: an instance that dies while a POST is in flight (the merchant may have acted on it) or
 * before its answer is recorded re-sends that event after the claim's lease; merchants dedupe on the event id. So
 * the events in flight are kept few: a few lanes, each claiming one event, sending it and recording the answer
 * before it claims the next ({@link DEFAULT_CONCURRENCY}), rather than a batch of events all sent at once.
 */
import type { OrderStore, OutboxEvent } from '../store/order-store.ts';
import {
  createPollingLoop,
  silentLogger,
  type PollingLoop,
  type WorkerLogger,
} from '../reconcile/polling-loop.ts';
import { retryDelay } from '../reconcile/schedule.ts';
import { webhookBody } from './event.ts';
import { DELIVERY_ATTEMPT_HEADER, EVENT_ID_HEADER, SIGNATURE_HEADER, signWebhook } from '@jupay/webhook';

/** The default delays after the 1st, 2nd, ... failed attempt; the last repeats until a 2xx. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [
  5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000,
];

/**
 * Deliveries in flight at once per instance, by default: what one crash can make the merchant receive twice, at
 * most. Each lane sends one event after another; four keep a backlog moving against a slow merchant endpoint.
 */
export const DEFAULT_CONCURRENCY = 4;

/** The store calls the sender makes: the outbox and nothing else. */
export type SenderStore = Pick<OrderStore, 'claimDueEvents' | 'markEventDelivered' | 'markEventFailed'>;

/** Options of {@link createWebhookSender}. */
export interface WebhookSenderOptions {
  store: SenderStore;
  /** `JUPAY_WEBHOOK_URL`. */
  url: string;
  /** `JUPAY_WEBHOOK_SECRET`: the HMAC key. Never logged. */
  secret: string;
  /** Delays after each failure (the last repeats). Default {@link DEFAULT_RETRY_DELAYS_MS}. */
  retryDelaysMs?: readonly number[];
  /** Per request. Default 10 s. */
  timeoutMs?: number;
  /** Sleep between scans when there is no backlog. Default 1 s. */
  pollIntervalMs?: number;
  /** Events handled per scan (the loop scans again at once after a full one). Default 20. */
  batchSize?: number;
  /** Deliveries in flight at once, each its own claim. Default {@link DEFAULT_CONCURRENCY}. */
  concurrency?: number;
  /** How long a claim keeps other instances off an event. Default: twice the timeout plus 5 s. */
  leaseMs?: number;
  now?: () => Date;
  logger?: WorkerLogger;
  /** Told the outcome of every POST (metrics). */
  onAttempt?: (outcome: 'delivered' | 'failed') => void;
}

/** The outbox sender of one signer instance. */
export interface WebhookSender {
  /** Claims due events one by one, in a few lanes, sends each once, and returns how many it handled. */
  runOnce(): Promise<number>;
  /** Sends one event now and records the result; true on a 2xx. */
  deliver(event: OutboxEvent): Promise<boolean>;
  /** Scans now rather than after the poll interval (call it after an order became paid in this process). */
  wake(): void;
  start(): void;
  stop(): Promise<void>;
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError') return 'timeout';
    const cause = (error as { cause?: { code?: string } }).cause;
    return cause?.code ? `${error.message} (${cause.code})` : error.message;
  }
  return String(error);
}

/**
 * Creates the webhook sender; call `start()` to run it in the background.
 *
 * @example
 * ```ts
 * const sender = createWebhookSender({ store, url: 'https://shop.example/hooks/jupay', secret });
 * sender.start();
 * // on shutdown:
 * await sender.stop();
 * ```
 */
export function createWebhookSender(options: WebhookSenderOptions): WebhookSender {
  const { store, url, secret } = options;
  if (typeof url !== 'string' || !/^https?:\/\//.test(url))
    throw new TypeError('url: expected an http(s) URL');
  if (typeof secret !== 'string' || secret.length === 0)
    throw new TypeError('secret: expected a non-empty string');
  const delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  if (delays.length === 0 || delays.some((d) => !(d > 0)))
    throw new TypeError('retryDelaysMs: expected positive delays');
  const timeoutMs = options.timeoutMs ?? 10_000;
  const batchSize = options.batchSize ?? 20;
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new TypeError('concurrency: expected 1 or more');
  const leaseMs = options.leaseMs ?? timeoutMs * 2 + 5_000;
  const now = options.now ?? (() => new Date());
  const logger = options.logger ?? silentLogger;

  async function deliver(event: OutboxEvent): Promise<boolean> {
    const body = webhookBody(event);
    const attempt = event.attempts + 1;
    let failure: string;
    try {
      const response = await fetch(url, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'jupay-signer',
          [SIGNATURE_HEADER]: signWebhook(body, secret, { timestamp: Math.floor(now().getTime() / 1000) }),
          [EVENT_ID_HEADER]: event.id,
          [DELIVERY_ATTEMPT_HEADER]: String(attempt),
        },
        signal: AbortSignal.timeout(timeoutMs),
        // A redirect is not an acknowledgement: the merchant must answer 2xx at the configured URL.
        redirect: 'manual',
      });
      if (response.status >= 200 && response.status < 300) {
        options.onAttempt?.('delivered');
        // Recorded as soon as the status is known: until this write, a crash means sending it again.
        const marked = store.markEventDelivered(event.id, now());
        await response.body?.cancel().catch(() => undefined);
        await marked;
        logger.info(
          { eventId: event.id, orderId: event.orderId, attempt, status: response.status },
          'webhook delivered',
        );
        return true;
      }
      await response.body?.cancel().catch(() => undefined);
      failure = `HTTP ${response.status}`;
    } catch (error) {
      failure = describeError(error);
    }
    options.onAttempt?.('failed');
    const next = new Date(now().getTime() + retryDelay(delays, attempt));
    await store.markEventFailed(event.id, next, failure);
    logger.warn(
      {
        eventId: event.id,
        orderId: event.orderId,
        attempt,
        reason: failure,
        nextAttemptAt: next.toISOString(),
      },
      'webhook delivery failed; will retry',
    );
    return false;
  }

  async function runOnce(): Promise<number> {
    let taken = 0;
    // One claim per event, made only when a lane is free to send it: an event is never claimed and then left
    // waiting while others are sent, and at most `concurrency` POSTs are in flight.
    const lane = async () => {
      while (taken < batchSize) {
        taken += 1;
        const [event] = await store.claimDueEvents(now(), 1, leaseMs);
        if (!event) {
          taken -= 1;
          return;
        }
        try {
          // A failure ends this lane's scan: the endpoint is likely failing, and an event retried after a very
          // short delay must not be sent again and again within one scan.
          if (!(await deliver(event))) return;
        } catch (error) {
          // A store error after the POST: the claim expires and the event is sent again (at-least-once).
          logger.error({ err: error, eventId: event.id }, 'recording a webhook attempt failed');
          return;
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, lane));
    return taken;
  }

  const loop: PollingLoop = createPollingLoop('webhook', runOnce, {
    intervalMs: options.pollIntervalMs ?? 1000,
    batchSize,
    logger,
  });

  return { runOnce, deliver, wake: () => loop.wake(), start: () => loop.start(), stop: () => loop.stop() };
}
