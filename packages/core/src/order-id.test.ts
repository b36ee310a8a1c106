import { describe, expect, it } from 'vitest';
import { newOrderId, orderIdTime } from './order-id.ts';

describe('newOrderId', () => {
  it('is 20 letters and digits', () => {
    for (let i = 0; i < 200; i++) expect(newOrderId()).toMatch(/^[A-Za-z0-9]{20}$/);
  });

  it('sorts by creation time as a plain string', () => {
    const times = [0, 1, 61, 62, 1_700_000_000_000, 1_700_000_000_001, 4_102_444_800_000];
    const ids = times.map((ms) => newOrderId(new Date(ms)));
    expect([...ids].sort()).toEqual(ids);
    expect(ids.map((id) => orderIdTime(id).getTime())).toEqual(times);
  });

  it('does not repeat, and its random part uses the whole alphabet', () => {
    const ids = Array.from({ length: 5000 }, () => newOrderId(new Date(1_700_000_000_000)));
    expect(new Set(ids).size).toBe(ids.length);
    const seen = new Set(ids.flatMap((id) => [...id.slice(8)]));
    expect(seen.size).toBe(62);
  });
});
