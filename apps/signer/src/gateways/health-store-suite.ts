/**
 * @module gateways/health-store-suite
 * The {@link HealthStore} contract as one suite, run against the memory store and the PostgreSQL one so they cannot
 * drift apart: every recorded state equals what gateways/health-state.ts computes, outcomes recorded at once from
 * two handles are all counted, and a probe is handed to one caller per interval.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  initialHealth,
  MAX_HEALTH_DETAIL,
  nextHealth,
  type GatewayHealth,
  type HealthOutcome,
  type HealthThresholds,
} from './health-state.ts';
import type { HealthStore } from './health-store.ts';

/** A fresh store, a second handle on the same state (another instance), and the cleanup. */
export interface HealthStoreHarness {
  store: HealthStore;
  another: HealthStore;
  cleanup(): Promise<void>;
}

const T0 = new Date('2024-03-01T04:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const THRESHOLDS: HealthThresholds = { failures: 3, successes: 2 };

/**
 * Registers the contract tests for one implementation.
 * @example
 * describeHealthStoreContract('memory', async () => { const s = memoryHealthStore(); return { store: s, another: s, cleanup: async () => {} }; });
 */
export function describeHealthStoreContract(name: string, open: () => Promise<HealthStoreHarness>): void {
  describe(`HealthStore contract: ${name}`, () => {
    let h: HealthStoreHarness;
    beforeEach(async () => {
      h = await open();
    });
    afterEach(() => h.cleanup());

    it('starts with nothing recorded', async () => {
      expect(await h.store.list()).toEqual([]);
    });

    it('every state recorded is the one the health rule computes', async () => {
      // down after 3 failures, up after 2 successes; a failure in between resets the successes.
      const sequence: [boolean, string | undefined][] = [
        [false, 'connect ECONNREFUSED 127.0.0.1:1'],
        [true, undefined],
        [false, 'timeout'],
        [false, 'HTTP 503'],
        [false, '系统错误'],
        [true, undefined],
        [false, 'HTTP 503'],
        [true, undefined],
        [true, undefined],
        [true, undefined],
      ];
      let expected: GatewayHealth = initialHealth('a');
      const seen: boolean[] = [];
      for (const [index, [ok, detail]] of sequence.entries()) {
        const outcome: HealthOutcome = { ok, at: at(index * 1000), ...(detail ? { detail } : {}) };
        expected = nextHealth(expected, outcome, THRESHOLDS);
        const recorded = await h.store.record('a', outcome, THRESHOLDS);
        expect(recorded).toEqual(expected);
        seen.push(recorded.healthy);
      }
      expect(seen).toEqual([true, true, true, true, false, false, false, false, true, true]);
      expect(expected).toMatchObject({ changedAt: at(8000), lastError: 'HTTP 503' });
      expect(await h.another.list()).toEqual([expected]);
    });

    it('a first outcome may already change the state (thresholds of 1), and accounts are kept apart', async () => {
      const one = { failures: 1, successes: 1 };
      expect(await h.store.record('b', { ok: false, at: at(0), detail: 'x' }, one)).toMatchObject({
        healthy: false,
        failures: 1,
        changedAt: at(0),
        lastError: 'x',
      });
      expect(await h.store.record('a', { ok: true, at: at(1) }, one)).toMatchObject({
        healthy: true,
        successes: 1,
        changedAt: null,
      });
      expect(await h.store.record('b', { ok: true, at: at(2) }, one)).toMatchObject({
        healthy: true,
        changedAt: at(2),
        lastError: 'x',
      });
      expect((await h.store.list()).map((s) => s.gatewayId)).toEqual(['a', 'b']);
    });

    it('keeps a failure detail on one line and short', async () => {
      const long = `line one\nline two ${'x'.repeat(400)}`;
      const recorded = await h.store.record('a', { ok: false, at: at(0), detail: long }, THRESHOLDS);
      expect(recorded.lastError).toMatch(/^line one line two x+\.\.\.$/);
      expect(recorded.lastError!.length).toBe(MAX_HEALTH_DETAIL);
    });

    it('counts every outcome recorded at once from two instances', async () => {
      const failures = Array.from({ length: 12 }, (_, i) =>
        (i % 2 === 0 ? h.store : h.another).record(
          'a',
          { ok: false, at: at(i), detail: 'HTTP 503' },
          { failures: 5, successes: 2 },
        ),
      );
      const states = await Promise.all(failures);
      // Each outcome saw the one before it: the counts returned are 1..12, in some order.
      expect(states.map((s) => s.failures).sort((x, y) => x - y)).toEqual(
        Array.from({ length: 12 }, (_, i) => i + 1),
      );
      const [final] = await h.another.list();
      expect(final).toMatchObject({ failures: 12, healthy: false });
      // It went down exactly once: at the outcome that counted the fifth failure.
      const fifth = states.find((s) => s.failures === 5)!;
      expect(fifth.healthy).toBe(false);
      expect(final!.changedAt).toEqual(fifth.changedAt);
    });

    it('hands a probe to one caller per interval, across instances', async () => {
      expect(await h.store.claimProbe('a', at(0), 10_000)).toBe(true);
      expect(await h.another.claimProbe('a', at(5_000), 10_000)).toBe(false);
      expect(await h.store.claimProbe('b', at(5_000), 10_000)).toBe(true);
      expect(await h.another.claimProbe('a', at(10_000), 10_000)).toBe(true);
      const racing = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          (i % 2 ? h.store : h.another).claimProbe('a', at(20_000), 10_000),
        ),
      );
      expect(racing.filter(Boolean)).toHaveLength(1);
      // A claim alone records no outcome: the account is still as healthy as one never checked.
      const listed = (await h.store.list()).find((s) => s.gatewayId === 'a');
      expect(listed ?? initialHealth('a')).toMatchObject({ healthy: true, checkedAt: null });
    });
  });
}
