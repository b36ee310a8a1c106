/**
 * @module reconcile/schedule.test
 * Schedule parsing and the next-point arithmetic.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RECONCILE_SCHEDULE,
  DEFAULT_WEBHOOK_RETRY,
  firstQueryAt,
  nextQueryAt,
  parseDuration,
  parseReconcileSchedule,
  parseRetryDelays,
  retryDelay,
} from './schedule.ts';

const M = 60_000;
const H = 60 * M;

describe('schedules', () => {
  it('parses durations in every unit and refuses the rest', () => {
    expect([
      parseDuration('250ms'),
      parseDuration('30s'),
      parseDuration('3m'),
      parseDuration('2h'),
      parseDuration('1d'),
    ]).toEqual([250, 30_000, 3 * M, 2 * H, 24 * H]);
    for (const bad of ['', '5', '1.5s', '-1s', '1w', 'm'])
      expect(() => parseDuration(bad)).toThrow(TypeError);
  });

  it('expands the default: eight points over 24 h, six of them in the first hour', () => {
    const schedule = parseReconcileSchedule(DEFAULT_RECONCILE_SCHEDULE);
    expect(schedule).toEqual([M, 3 * M, 6 * M, 10 * M, 20 * M, H, 3 * H, 24 * H]);
    expect(schedule.filter((delay) => delay <= H)).toHaveLength(6);
  });

  it('still expands a custom hourly schedule', () => {
    const schedule = parseReconcileSchedule('1m,3m,10m,30m,1h*24');
    expect(schedule.slice(0, 6)).toEqual([M, 3 * M, 10 * M, 30 * M, H, 2 * H]);
    expect(schedule).toHaveLength(28);
    expect(schedule.at(-1)).toBe(24 * H);
  });

  it('accepts plain lists and off, refuses unordered ones', () => {
    expect(parseReconcileSchedule('50ms, 100ms,200ms')).toEqual([50, 100, 200]);
    expect(parseReconcileSchedule('off')).toEqual([]);
    expect(() => parseReconcileSchedule('3m,1m')).toThrow(/ascending/);
    expect(() => parseReconcileSchedule('1h,1h*2')).toThrow(/ascending/);
    expect(() => parseReconcileSchedule('1m*0')).toThrow(/repeat/);
  });

  it('parses retry delays with repeats', () => {
    expect(parseRetryDelays(DEFAULT_WEBHOOK_RETRY)).toEqual([5000, 30_000, 2 * M, 10 * M, 30 * M, H]);
    expect(parseRetryDelays('10ms*3,1s')).toEqual([10, 10, 10, 1000]);
    expect(() => parseRetryDelays('0s')).toThrow();
  });

  it('computes the first and next query times, skipping points already past', () => {
    const created = new Date('2024-03-01T00:00:00Z');
    const at = (ms: number) => new Date(created.getTime() + ms);
    const schedule = [M, 3 * M, 10 * M];
    expect(firstQueryAt(created, schedule)).toEqual(at(M));
    expect(firstQueryAt(created, [])).toBeNull();
    expect(nextQueryAt(created, schedule, at(M))).toEqual(at(3 * M));
    expect(nextQueryAt(created, schedule, at(M + 1))).toEqual(at(3 * M));
    // Down for seven minutes: the 3-minute point is gone, the next one is at 10.
    expect(nextQueryAt(created, schedule, at(7 * M))).toEqual(at(10 * M));
    expect(nextQueryAt(created, schedule, at(10 * M))).toBeNull();
  });

  it('picks retry delays by failure count, the last repeating', () => {
    expect([1, 2, 3, 4, 50].map((n) => retryDelay([5, 30, 120], n))).toEqual([5, 30, 120, 120, 120]);
  });
});
