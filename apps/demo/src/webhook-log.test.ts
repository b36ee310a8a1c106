/**
 * @module webhook-log.test
 * The log survives a restart through its JSON-lines file, tolerates a torn last line, and wakes waiters.
 */
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createWebhookLog } from './webhook-log.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const paid = (id: string, orderId: string) => ({
  id,
  type: 'order.paid' as const,
  createdAt: '2026-01-01T00:00:00.000Z',
  data: {
    orderId,
    amountFen: 100,
    amount: '1.00',
    bankCode: '902',
    transactionId: 'T',
    paidAt: '2026-01-01T00:00:00.000Z',
    paidVia: 'query' as const,
  },
});

describe('createWebhookLog', () => {
  it('reloads recorded events from its file, skipping a torn line, and keeps duplicate detection', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jupay-webhook-log-'));
    dirs.push(dir);
    const file = join(dir, 'nested', 'events.jsonl');
    createWebhookLog(file).record(paid('e1', 'A'));
    appendFileSync(file, '{"receivedAt":"2026-'); // a crash mid-write
    const reopened = createWebhookLog(file);
    expect(reopened.events().map((e) => e.eventId)).toEqual(['e1']);
    expect(reopened.record(paid('e1', 'A')).duplicate).toBe(true);
  });

  it('waitFor resolves when enough events arrive and rejects on timeout', async () => {
    const log = createWebhookLog();
    const waiting = log.waitFor('B', 2, 1000);
    log.record(paid('e1', 'B'));
    log.record(paid('e2', 'C'));
    log.record(paid('e3', 'B'));
    expect((await waiting).map((e) => e.eventId)).toEqual(['e1', 'e3']);
    await expect(log.waitFor('C', 2, 50)).rejects.toThrow(/1 of 2 events for C/);
  });
});
