import { describe, expect, it } from 'vitest';
import { formatChinaCompact, formatChinaDateTime, parseChinaDateTime } from './china-time.ts';

describe('China time', () => {
  it('is UTC+8 regardless of the host time zone', () => {
    // process.env.TZ is set to a far-away zone by the payment-request test too; here the arithmetic is explicit.
    const instant = new Date('2016-12-26T10:18:18Z');
    expect(formatChinaDateTime(instant)).toBe('2016-12-26 18:18:18');
    expect(formatChinaCompact(instant)).toBe('20161226181818');
  });

  it('rolls the date over at 16:00 UTC', () => {
    expect(formatChinaDateTime(new Date('2024-02-29T16:00:00Z'))).toBe('2024-03-01 00:00:00');
  });

  it('reads the gateway "never" time as the epoch', () => {
    expect(parseChinaDateTime('1970-01-01 08:00:00')?.getTime()).toBe(0);
    expect(parseChinaDateTime('2016-12-26 18:18:18')?.toISOString()).toBe('2016-12-26T10:18:18.000Z');
    expect(parseChinaDateTime('2016-12-26T18:18:18')).toBeNull();
  });

  it('refuses an invalid Date', () => {
    expect(() => formatChinaDateTime(new Date('nope'))).toThrow(TypeError);
  });
});
