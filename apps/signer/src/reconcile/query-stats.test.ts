/**
 * @module reconcile/query-stats.test
 * The counts of one gateway's queries on a fake clock: totals, one summary line per interval with activity (warn
 * when the cap deferred or skipped any), nothing for a quiet interval, and every count passed on to the sink.
 */
import { describe, expect, it } from 'vitest';
import { createQueryStats, type QueryKind } from './query-stats.ts';

function recorder() {
  const lines: { level: string; object: Record<string, unknown>; message: string | undefined }[] = [];
  const log = (level: string) => (object: object, message?: string) =>
    void lines.push({ level, object: object as Record<string, unknown>, message });
  return {
    lines,
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
  };
}

describe('query stats', () => {
  it('counts sent, deferred and skipped queries with their delays, and logs one line per busy interval', async () => {
    let t = Date.parse('2024-03-01T04:00:00.000Z');
    const { lines, logger } = recorder();
    const sunk: [string, string, QueryKind, number][] = [];
    const stats = createQueryStats({
      gatewayId: 'default',
      perSecond: 5,
      reserve: 1,
      logger,
      now: () => new Date(t),
      sink: {
        gatewayQuery: (g, kind, seconds) => void sunk.push(['sent', g, kind, seconds]),
        gatewayQueryDeferred: (g, kind, count) => void sunk.push(['deferred', g, kind, count]),
        gatewayQuerySkipped: (g, kind) => void sunk.push(['skipped', g, kind, 1]),
      },
    });
    stats.sent('scheduled', 400);
    stats.sent('scheduled', 2_600);
    stats.sent('status', 0);
    t += 59_999;
    stats.tick();
    expect(lines).toEqual([]);
    t += 1;
    stats.tick();
    expect(lines).toEqual([
      {
        level: 'info',
        message: 'gateway queries',
        object: {
          gateway: 'default',
          perSecond: 5,
          intervalSeconds: 60,
          scheduled: { sent: 2, deferred: 0, skipped: 0, meanDelayMs: 1_500, maxDelayMs: 2_600 },
          status: { sent: 1, deferred: 0, skipped: 0, meanDelayMs: 0, maxDelayMs: 0 },
        },
      },
    ]);

    // A quiet minute logs nothing.
    t += 60_000;
    stats.tick();
    expect(lines).toHaveLength(1);

    // A minute in which the cap bit: a warning.
    stats.deferred('scheduled', 15);
    stats.deferred('status', 1);
    stats.skipped('status');
    stats.sent('status', 700);
    t += 60_000;
    stats.tick();
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({
      level: 'warn',
      message: 'gateway queries: the rate cap deferred some',
      object: {
        scheduled: { sent: 0, deferred: 15 },
        status: { sent: 1, deferred: 1, skipped: 1, maxDelayMs: 700 },
      },
    });

    const snapshot = stats.snapshot();
    expect(snapshot).toMatchObject({ gatewayId: 'default', perSecond: 5, reserve: 1 });
    expect(snapshot.total).toEqual({
      scheduled: { sent: 2, deferred: 15, skipped: 0, delayTotalMs: 3_000, delayMaxMs: 2_600 },
      status: { sent: 2, deferred: 1, skipped: 1, delayTotalMs: 700, delayMaxMs: 700 },
    });
    expect(snapshot.lastInterval?.counts.scheduled.deferred).toBe(15);
    expect(snapshot.lastInterval?.to).toEqual(new Date(t));
    expect(snapshot.current).toEqual({ from: new Date(t), counts: expect.any(Object) });
    expect(snapshot.current.counts.scheduled.sent).toBe(0);
    // A snapshot is a copy: counting on does not change it.
    stats.sent('scheduled', 1);
    expect(snapshot.total.scheduled.sent).toBe(2);

    expect(sunk).toEqual([
      ['sent', 'default', 'scheduled', 0.4],
      ['sent', 'default', 'scheduled', 2.6],
      ['sent', 'default', 'status', 0],
      ['deferred', 'default', 'scheduled', 15],
      ['deferred', 'default', 'status', 1],
      ['skipped', 'default', 'status', 1],
      ['sent', 'default', 'status', 0.7],
      ['sent', 'default', 'scheduled', 0.001],
    ]);
  });
});
