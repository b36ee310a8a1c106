/**
 * @module orders/unverified-budget.test
 * The bound on stored unverified notifications: per source per minute, per instance per hour, whatever the number
 * of sources, and one summary line per minute at most for what was only counted; on an injected clock.
 */
import { describe, expect, it } from 'vitest';
import { createUnverifiedBudget } from './unverified-budget.ts';

function budget(overrides: { perSourcePerMinute?: number; perHour?: number } = {}) {
  let now = 1_700_000_000_000;
  const b = createUnverifiedBudget({ clock: () => now, ...overrides });
  return { b, advance: (ms: number) => (now += ms) };
}

describe('createUnverifiedBudget', () => {
  it('stores 10 per source per minute, then counts the rest; a new minute stores again', () => {
    const { b, advance } = budget();
    const admitted = Array.from({ length: 25 }, () => b.admit('203.0.113.7'));
    expect(admitted.filter(Boolean)).toHaveLength(10);
    expect(admitted.slice(0, 10).every(Boolean)).toBe(true);
    // Another source has its own budget.
    expect(b.admit('198.51.100.1')).toBe(true);
    advance(60_000);
    expect(b.admit('203.0.113.7')).toBe(true);
  });

  it('counts an IPv6 /64 as one source, and an IPv4-mapped address as its IPv4 address', () => {
    const { b } = budget({ perSourcePerMinute: 2 });
    expect([
      b.admit('2001:db8:1:2::1'),
      b.admit('2001:db8:1:2::ffff'),
      b.admit('2001:db8:1:2:a:b:c:d'),
    ]).toEqual([true, true, false]);
    expect([b.admit('192.0.2.1'), b.admit('::ffff:192.0.2.1'), b.admit('::ffff:c000:201')]).toEqual([
      true,
      true,
      false,
    ]);
  });

  it('stores 600 per hour in all, however many sources send, and the hour ends', () => {
    const { b, advance } = budget();
    let stored = 0;
    for (let i = 0; i < 5_000; i++)
      if (b.admit(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`)) stored++;
    expect(stored).toBe(600);
    advance(59 * 60_000);
    expect(b.admit('10.200.0.1')).toBe(false);
    advance(60_000);
    expect(b.admit('10.200.0.1')).toBe(true);
  });

  it('summarises what was not stored once a minute at most, with the number of sources', () => {
    const { b, advance } = budget({ perSourcePerMinute: 1 });
    expect(b.takeSummary()).toBeNull();
    b.admit('203.0.113.1');
    expect(b.takeSummary()).toBeNull();
    b.admit('203.0.113.1');
    expect(b.takeSummary()).toEqual({ notStored: 1, sources: 1, sourcesCapped: false });
    for (let i = 0; i < 5; i++) {
      b.admit('203.0.113.1');
      b.admit('203.0.113.2');
    }
    advance(59_999);
    expect(b.takeSummary()).toBeNull();
    advance(1);
    expect(b.takeSummary()).toEqual({ notStored: 9, sources: 2, sourcesCapped: false });
    expect(b.takeSummary()).toBeNull();
  });

  it('tells at most 10,000 sources apart in a summary', () => {
    const { b } = budget({ perSourcePerMinute: 1, perHour: 1 });
    for (let i = 0; i < 12_000; i++) b.admit(`10.0.${i >> 8}.${i & 255}`);
    expect(b.takeSummary()).toEqual({ notStored: 11_999, sources: 10_000, sourcesCapped: true });
  });
});
