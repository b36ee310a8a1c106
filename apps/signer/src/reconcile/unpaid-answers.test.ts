/** @module reconcile/unpaid-answers.test — the bounded record of NOTPAY answers. */
import { describe, expect, it } from 'vitest';
import { createUnpaidAnswers } from './unpaid-answers.ts';

describe('createUnpaidAnswers', () => {
  it('keeps the last answer per order', () => {
    const unpaid = createUnpaidAnswers();
    expect(unpaid.lastAt('E1')).toBeNull();
    unpaid.record('E1', new Date(1000));
    unpaid.record('E1', new Date(2000));
    unpaid.record('E2', new Date(1500));
    expect(unpaid.lastAt('E1')).toEqual(new Date(2000));
    expect(unpaid.lastAt('E2')).toEqual(new Date(1500));
  });

  it('forgets the order recorded longest ago when full, counting a new record as recent', () => {
    const unpaid = createUnpaidAnswers({ maxOrders: 2 });
    unpaid.record('A', new Date(1));
    unpaid.record('B', new Date(2));
    // A again: now B is the oldest.
    unpaid.record('A', new Date(3));
    unpaid.record('C', new Date(4));
    expect(unpaid.lastAt('B')).toBeNull();
    expect(unpaid.lastAt('A')).toEqual(new Date(3));
    expect(unpaid.lastAt('C')).toEqual(new Date(4));
  });

  it('refuses a size that is not a whole number of at least one', () => {
    expect(() => createUnpaidAnswers({ maxOrders: 0 })).toThrow(/maxOrders/);
    expect(() => createUnpaidAnswers({ maxOrders: 1.5 })).toThrow(/maxOrders/);
  });
});
