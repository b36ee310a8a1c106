/**
 * @module store/retention.test
 * The retention service prunes at start and then periodically, by the clock: on the signer's real store, and on a
 * fake `prune` where only the service's own decisions (cutoffs, logging, retries, stopping) are at stake.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createTestSigner, type TestSigner } from '../../test/helpers/signer-harness.ts';
import { waitFor } from '../../test/helpers/webhook-receiver.ts';
import { StoreUnavailableError, type PruneCutoffs, type PruneResult } from './order-store.ts';
import { createRetention } from './retention.ts';

const DAY = 24 * 60 * 60 * 1000;
const NOW = new Date('2024-04-01T00:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);

let t: TestSigner | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function seed(target: TestSigner) {
  for (const [orderId, verdict, receivedAt] of [
    [null, 'bad_signature', ago(31 * DAY)],
    [null, 'malformed', ago(29 * DAY)],
    ['E0000000000000000001', 'paid', ago(400 * DAY)],
  ] as const) {
    await target.store.recordNotification({
      orderId,
      claimedOrderId: 'E0000000000000000001',
      rawBody: verdict,
      verdict,
      receivedAt,
    });
  }
}

const verdicts = async (target: TestSigner) =>
  (await target.store.listNotifications('E0000000000000000001')).map((n) => n.verdict);

describe('retention', () => {
  it('start() prunes unverified notifications older than 30 days by default, never verified ones', async () => {
    t = await createTestSigner({}, { clock: () => NOW });
    await seed(t);
    await t.signer.stop();
    await t.signer.start();
    expect(await verdicts(t)).toEqual(['malformed', 'paid']);
  });

  it('takes its age from the retention option and prunes again every interval', async () => {
    let now = NOW;
    t = await createTestSigner({}, { clock: () => now, retention: { unverifiedNotificationDays: 7 } });
    await seed(t);
    const retention = createRetention({
      store: t.store,
      clock: () => now,
      unverifiedNotificationDays: 30,
      intervalMs: 10,
    });
    try {
      await retention.start();
      expect(await verdicts(t)).toEqual(['malformed', 'paid']);
      // A day later the 29-day-old one is 30 days and 1 ms old: the loop removes it without a restart.
      now = new Date(NOW.getTime() + DAY + 1);
      await waitFor(async () => (await verdicts(t!)).length === 1, 'the periodic prune', 2_000);
      expect(await verdicts(t)).toEqual(['paid']);
    } finally {
      retention.stop();
    }
    // The signer's own service uses its option (7 days).
    await t.store.recordNotification({
      orderId: null,
      claimedOrderId: 'E0000000000000000001',
      rawBody: 'x',
      verdict: 'malformed',
      receivedAt: new Date(now.getTime() - 8 * DAY),
    });
    await t.signer.stop();
    await t.signer.start();
    expect(await verdicts(t)).toEqual(['paid']);
  });

  it('releases idempotency keys older than 24 h at start', async () => {
    t = await createTestSigner({}, { clock: () => NOW });
    const key = (name: string, createdAt: Date, orderId: string) =>
      t!.store.createOrder({
        orderId,
        memberId: '10002',
        amountFen: 100,
        bankCode: '903',
        productName: 'x',
        attach: null,
        createdAt,
        nextQueryAt: null,
        requestFields: {},
        idempotency: { key: name, bodyHash: 'h' },
      });
    await key('stale', ago(DAY + 1), 'E0000000000000000011');
    await key('fresh', ago(DAY - 60_000), 'E0000000000000000012');
    await t.signer.stop();
    await t.signer.start();
    // Asked with the stale key's own old time (inside its 24 h), only a pruned key can give a new order.
    expect((await key('stale', ago(DAY), 'E0000000000000000013')).created).toBe(true);
    expect((await key('fresh', ago(DAY - 60_000), 'E0000000000000000014')).order.orderId).toBe(
      'E0000000000000000012',
    );
  });

  it('start() prunes gateway queries older than 90 days by default, and takes the days from its option', async () => {
    t = await createTestSigner({}, { clock: () => NOW });
    const query = (daysAgo: number) =>
      t!.store.recordGatewayQuery({
        orderId: 'E0000000000000000021',
        gatewayId: 'default',
        trigger: 'scheduled',
        outcome: 'not_paid',
        detail: `${daysAgo} days`,
        at: ago(daysAgo * DAY),
        durationMs: 5,
      });
    for (const days of [91, 89, 10]) await query(days);
    await t.signer.stop();
    await t.signer.start();
    const left = async () =>
      (await t!.store.listGatewayQueries('E0000000000000000021', 10)).entries.map((q) => q.detail);
    expect(await left()).toEqual(['10 days', '89 days']);
    await createRetention({ store: t.store, clock: () => NOW, gatewayQueryDays: 30 }).pruneNow();
    expect(await left()).toEqual(['10 days']);
  });

  it('refuses a retention that is not a positive number of days', () => {
    const store = {} as never;
    expect(() => createRetention({ store, clock: () => NOW, unverifiedNotificationDays: 0 })).toThrow(
      /unverifiedNotificationDays/,
    );
    expect(() => createRetention({ store, clock: () => NOW, gatewayQueryDays: -1 })).toThrow(
      /gatewayQueryDays/,
    );
  });
});

describe('retention on a fake prune', () => {
  it('asks for cutoffs by its clock; a failed prune is logged and the next interval tries again', async () => {
    const calls: PruneCutoffs[] = [];
    const answers: (PruneResult | Error)[] = [
      new StoreUnavailableError('database away'),
      { notifications: 0, idempotencyKeys: 0, gatewayQueries: 0 },
      { notifications: 2, idempotencyKeys: 1, gatewayQueries: 3 },
    ];
    const store = {
      prune: async (cutoffs: PruneCutoffs) => {
        calls.push(cutoffs);
        const answer = answers.shift() ?? { notifications: 0, idempotencyKeys: 0, gatewayQueries: 0 };
        if (answer instanceof Error) throw answer;
        return answer;
      },
    };
    const lines: [string, string, object][] = [];
    const logger = {
      info: (object: object, message?: string) => void lines.push(['info', message ?? '', object]),
      error: (object: object, message?: string) => void lines.push(['error', message ?? '', object]),
    };
    const retention = createRetention({
      store,
      clock: () => NOW,
      logger,
      unverifiedNotificationDays: 7,
      gatewayQueryDays: 60,
      intervalMs: 5,
    });
    try {
      // The first prune fails: start() still resolves, so the signer starts.
      await retention.start();
      expect(calls[0]).toEqual({
        unverifiedNotificationsBefore: ago(7 * DAY),
        idempotencyKeysBefore: ago(DAY),
        gatewayQueriesBefore: ago(60 * DAY),
      });
      expect(lines).toEqual([['error', 'prune failed', { err: expect.any(StoreUnavailableError) }]]);
      await waitFor(async () => calls.length >= 3, 'two more prunes', 2_000);
    } finally {
      retention.stop();
    }
    // Only a prune that removed something is worth a line.
    expect(lines.slice(1)).toEqual([
      ['info', 'pruned expired rows', { notifications: 2, idempotencyKeys: 1, gatewayQueries: 3 }],
    ]);
    const made = calls.length;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(calls.length).toBe(made);
  });
});
