/**
 * @module webhook-log
 * What the demo merchant's `/webhook` received: verified events (kept in memory and appended to a JSON-lines file
 * in the data folder, so the list survives a restart like the orders do) and refused requests. Delivery is
 * at-least-once, so a repeated event id is recorded with `duplicate: true`, the way a merchant dedupes.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { WebhookEvent } from '@jupay/signer';

/** One verified delivery. */
export interface ReceivedEvent {
  receivedAt: string;
  eventId: string;
  type: string;
  orderId: string;
  /** The merchant's `attach` from checkout (null when none; absent in lines written before it was kept). */
  attach?: string | null;
  amount: string;
  transactionId: string;
  paidVia: string;
  /** The same event id arrived before: a retry, not a second payment. */
  duplicate: boolean;
}

/** One refused request (bad or missing signature, stale timestamp, bad body). */
export interface RefusedDelivery {
  receivedAt: string;
  code: string;
  message: string;
}

/** The receiver's memory. */
export interface WebhookLog {
  record(event: WebhookEvent, at?: Date): ReceivedEvent;
  refuse(code: string, message: string, at?: Date): void;
  events(orderId?: string): ReceivedEvent[];
  refused(): RefusedDelivery[];
  /** Resolves once `count` events (duplicates included) for `orderId` are in; rejects after `timeoutMs`. */
  waitFor(orderId: string, count?: number, timeoutMs?: number): Promise<ReceivedEvent[]>;
}

/**
 * A webhook log, persisted to `file` when given.
 *
 * @example
 * const log = createWebhookLog('data/webhook-events.jsonl');
 * log.record(verifyWebhook(body, header, secret));
 */
export function createWebhookLog(file?: string): WebhookLog {
  const events: ReceivedEvent[] = [];
  const refused: RefusedDelivery[] = [];
  const waiters = new Set<() => void>();
  if (file && existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        events.push(JSON.parse(line) as ReceivedEvent);
      } catch {
        // A line cut by a crash mid-write: skip it rather than refuse to start.
      }
    }
  }
  if (file) mkdirSync(dirname(file), { recursive: true });

  return {
    record(event, at = new Date()) {
      const entry: ReceivedEvent = {
        receivedAt: at.toISOString(),
        eventId: event.id,
        type: event.type,
        orderId: event.data.orderId,
        attach: event.data.attach ?? null,
        amount: event.data.amount,
        transactionId: event.data.transactionId,
        paidVia: event.data.paidVia,
        duplicate: events.some((e) => e.eventId === event.id),
      };
      events.push(entry);
      if (file) appendFileSync(file, `${JSON.stringify(entry)}\n`);
      for (const wake of waiters) wake();
      return entry;
    },
    refuse(code, message, at = new Date()) {
      refused.push({ receivedAt: at.toISOString(), code, message });
    },
    events: (orderId) => events.filter((e) => orderId === undefined || e.orderId === orderId),
    refused: () => [...refused],
    waitFor(orderId, count = 1, timeoutMs = 10_000) {
      const matching = () => events.filter((e) => e.orderId === orderId);
      if (matching().length >= count) return Promise.resolve(matching());
      return new Promise((resolve, reject) => {
        const check = () => {
          if (matching().length < count) return;
          cleanup();
          resolve(matching());
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(
              `webhook: ${matching().length} of ${count} events for ${orderId} after ${timeoutMs} ms`,
            ),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
      });
    },
  };
}
