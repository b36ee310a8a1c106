/** @module reconcile/last-not-paid.test — the last NOTPAY answer, read from a real SQLite store's query log. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayQueryEntry } from '../store/order-store.ts';
import { openTempSqliteStore, type TempSqliteStore } from '../../test/helpers/temp-sqlite.ts';
import type { SqliteStore } from '../store/sqlite-store.ts';
import { lastNotPaidAt } from './last-not-paid.ts';

let temp: TempSqliteStore;
let store: SqliteStore;
beforeEach(async () => {
  temp = await openTempSqliteStore('jupay-last-not-paid-');
  store = temp.store;
});
afterEach(() => temp.remove());

const minute = (m: number) => new Date(Date.UTC(2024, 2, 1, 4, m));

function query(orderId: string, outcome: string, at: Date): GatewayQueryEntry {
  return { orderId, gatewayId: 'default', trigger: 'scheduled', outcome, detail: null, at, durationMs: 5 };
}

describe('lastNotPaidAt', () => {
  it('is null for an order never asked about', async () => {
    expect(await lastNotPaidAt(store, 'E1')).toBeNull();
  });

  it('is the newest NOTPAY answer of that order, whatever asked, past failed queries and other orders', async () => {
    await store.recordGatewayQuery(query('E1', 'not_paid', minute(1)));
    await store.recordGatewayQuery({ ...query('E1', 'not_paid', minute(3)), trigger: 'status' });
    await store.recordGatewayQuery(query('E1', 'failed', minute(4)));
    await store.recordGatewayQuery(query('E2', 'not_paid', minute(5)));
    expect(await lastNotPaidAt(store, 'E1')).toEqual(minute(3));
    expect(await lastNotPaidAt(store, 'E2')).toEqual(minute(5));
  });

  it('is null when the newest ten queries all failed: an answer older than that is no news', async () => {
    await store.recordGatewayQuery(query('E1', 'not_paid', minute(0)));
    for (let m = 1; m <= 9; m += 1) await store.recordGatewayQuery(query('E1', 'failed', minute(m)));
    expect(await lastNotPaidAt(store, 'E1')).toEqual(minute(0));
    await store.recordGatewayQuery(query('E1', 'failed', minute(10)));
    expect(await lastNotPaidAt(store, 'E1')).toBeNull();
  });
});
