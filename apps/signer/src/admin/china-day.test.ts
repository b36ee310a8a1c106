/**
 * @module admin/china-day.test
 * China-time days and times, whatever the machine's own time zone.
 */
import { describe, expect, it } from 'vitest';
import { chinaDayStart, chinaTime } from './china-day.ts';

describe('China days', () => {
  it('reads a day as its first instant in China time, and refuses what is not a day', () => {
    expect(chinaDayStart('2024-03-01')?.toISOString()).toBe('2024-02-29T16:00:00.000Z');
    expect(chinaDayStart('2024-02-30')).toBeNull();
    expect(chinaDayStart('2024-3-1')).toBeNull();
    expect(chinaDayStart('2024-03-01 ')).toBeNull();
    expect(chinaTime(new Date('2024-02-29T16:00:00Z'))).toBe('2024-03-01 00:00:00');
    expect(chinaTime(new Date('2024-03-01T04:00:05Z'))).toBe('2024-03-01 12:00:05');
  });
});
