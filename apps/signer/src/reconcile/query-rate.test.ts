/**
 * @module reconcile/query-rate.test
 * The per-gateway cap on real stores and a fake clock: scheduled queries fill a second up to the cap less the
 * reserve, status-triggered ones may use the reserve and book the next free second ahead of the loop, and two
 * PostgreSQL handles share one count.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dropSchema, freshSchemaName, TEST_PG_URL } from '../../test/helpers/postgres.ts';
import type { OrderStore, QuerySlotRequest } from '../store/order-store.ts';
import { createPostgresStore } from '../store/postgres-store.ts';
import { openSqliteStore } from '../store/sqlite-store.ts';
import { createQueryRate, URGENT_LOOKAHEAD_SECONDS } from './query-rate.ts';

const T0 = Date.parse('2024-03-01T04:00:00.000Z');

let dir: string;
let store: OrderStore;
let clock: number;
const now = () => new Date(clock);
/** Every wait a status-triggered query made, in ms (the fake clock is for time; waits are recorded, not slept). */
let waits: number[];
const sleep = async (ms: number) => {
  waits.push(ms);
};

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jupay-rate-'));
  store = openSqliteStore(join(dir, 'signer.db'));
  await store.migrate();
  clock = T0;
  waits = [];
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The store, with every take it is asked for recorded. */
function recording(target: OrderStore) {
  const takes: QuerySlotRequest[] = [];
  return {
    takes,
    takeQuerySlots: (request: QuerySlotRequest) => {
      takes.push(request);
      return target.takeQuerySlots(request);
    },
  };
}

describe('query rate cap', () => {
  it('lets scheduled queries fill a second up to the cap less a fifth, the rest for status reads', async () => {
    const rate = createQueryRate({ store, perSecond: 10, now, sleep });
    expect(rate.reserve).toBe(2);
    expect(await rate.takeScheduled(6)).toBe(6);
    expect(rate.scheduledFull()).toBe(false);
    expect(await rate.takeScheduled(6)).toBe(2);
    expect(rate.scheduledFull()).toBe(true);
    expect(await rate.takeScheduled(1)).toBe(0);
    // The reserve: two status reads go out in this same second, without waiting.
    expect(await rate.takeUrgent()).toBe(0);
    expect(await rate.takeUrgent()).toBe(0);
    expect(waits).toEqual([]);
    // The next second starts afresh.
    clock += 1_000;
    expect(rate.scheduledFull()).toBe(false);
    expect(await rate.takeScheduled(20)).toBe(8);
  });

  it('asks the store nothing more for scheduled queries once this second is known to be full', async () => {
    const counted = recording(store);
    const rate = createQueryRate({ store: counted, perSecond: 5, now, sleep });
    expect(await rate.takeScheduled(9)).toBe(4);
    expect(await rate.takeScheduled(9)).toBe(0);
    clock += 999 - (clock % 1000);
    expect(await rate.takeScheduled(9)).toBe(0);
    expect(counted.takes).toHaveLength(1);
    clock += 1;
    expect(await rate.takeScheduled(1)).toBe(1);
    expect(counted.takes).toHaveLength(2);
  });

  it('books a status read the next free second when this one is full, and waits for it; the loop cannot take it', async () => {
    const rate = createQueryRate({ store, perSecond: 2, now, sleep });
    expect(rate.reserve).toBe(0);
    clock = T0 + 400;
    expect(await rate.takeScheduled(5)).toBe(2);
    expect(await rate.takeUrgent()).toBe(1);
    expect(waits).toEqual([600]);
    // The next second already holds the status read's slot: the loop gets what is left.
    clock = T0 + 1_000;
    expect(await rate.takeScheduled(5)).toBe(1);
  });

  it('gives up a status read when no slot is free within the lookahead', async () => {
    const rate = createQueryRate({ store, perSecond: 1, now, sleep });
    for (let ahead = 0; ahead <= URGENT_LOOKAHEAD_SECONDS; ahead += 1) {
      expect(await rate.takeUrgent()).toBe(ahead);
    }
    expect(await rate.takeUrgent()).toBeNull();
    // Once a full second is known, later status reads start looking after it (one take each, not eleven).
    const counted = recording(store);
    const again = createQueryRate({ store: counted, perSecond: 1, now, sleep });
    expect(await again.takeUrgent()).toBeNull();
    expect(await again.takeUrgent()).toBeNull();
    expect(counted.takes).toHaveLength(URGENT_LOOKAHEAD_SECONDS + 1);
  });

  it('keeps gateways apart, and refuses a cap that is not a whole number from 1', async () => {
    const a = createQueryRate({ store, perSecond: 1, now, sleep, gatewayId: 'a' });
    const b = createQueryRate({ store, perSecond: 1, now, sleep, gatewayId: 'b' });
    expect(await a.takeScheduled(3)).toBe(1);
    expect(await b.takeScheduled(3)).toBe(1);
    for (const perSecond of [0, 1.5, -1, Number.NaN]) {
      expect(() => createQueryRate({ store, perSecond })).toThrow(/perSecond/);
    }
  });
});

describe('query rate cap on PostgreSQL', () => {
  it('is one count for every instance', async () => {
    const schema = freshSchemaName();
    const open = async () => {
      const s = createPostgresStore({ url: TEST_PG_URL, schema, max: 4 });
      await s.migrate();
      return s;
    };
    const [a, b] = [await open(), await open()];
    try {
      const rates = [a, b].map((s) => createQueryRate({ store: s, perSecond: 10, now, sleep }));
      const scheduled = await Promise.all(
        Array.from({ length: 8 }, (_, i) => rates[i % 2]!.takeScheduled(3)),
      );
      expect(scheduled.reduce((sum, n) => sum + n, 0)).toBe(8);
      const urgent = await Promise.all(Array.from({ length: 4 }, (_, i) => rates[i % 2]!.takeUrgent()));
      // Two in the reserve of this second, two booked in the next.
      expect(urgent.sort()).toEqual([0, 0, 1, 1]);
    } finally {
      await a.close();
      await b.close();
      await dropSchema(schema);
    }
  });
});
