/**
 * @module gateways/route-account.test
 * Routing: healthy accounts serving the bank code, the lowest priority number first, weights drawn from the
 * injected random source; properties over any accounts and any health.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { routeAccount, servedCodes, type RoutableAccount } from './route-account.ts';

const account = (id: string, bankCodes: string[], priority = 1, weight = 1): RoutableAccount => ({
  id,
  bankCodes,
  priority,
  weight,
});
const everyone = () => true;

describe('routeAccount', () => {
  const a = account('a', ['902', '903'], 1, 1);
  const b = account('b', ['903', '904'], 1, 3);
  const c = account('c', ['902', '903', '904'], 2, 1);

  it('picks an account that serves the code', () => {
    expect(routeAccount([a, b, c], '902', everyone, () => 0.99)?.id).toBe('a');
    expect(routeAccount([a, b, c], '904', everyone, () => 0)?.id).toBe('b');
    expect(routeAccount([a, b], '905', everyone)).toBeNull();
  });

  it('prefers the lowest priority number; a higher one only when none of the lower is healthy', () => {
    expect(routeAccount([c, a], '902', everyone, () => 0)?.id).toBe('a');
    expect(
      routeAccount(
        [c, a],
        '902',
        (id) => id !== 'a',
        () => 0,
      )?.id,
    ).toBe('c');
    expect(routeAccount([a, c], '902', () => false)).toBeNull();
  });

  it('draws among equal priorities in proportion to weight, by the random source', () => {
    // a weighs 1 and b 3 of 4: [0, 0.25) is a, [0.25, 1) is b.
    expect(routeAccount([a, b], '903', everyone, () => 0)?.id).toBe('a');
    expect(routeAccount([a, b], '903', everyone, () => 0.2499)?.id).toBe('a');
    expect(routeAccount([a, b], '903', everyone, () => 0.25)?.id).toBe('b');
    expect(routeAccount([a, b], '903', everyone, () => 0.9999)?.id).toBe('b');
    const counts = { a: 0, b: 0 };
    for (let i = 0; i < 1000; i += 1) {
      counts[routeAccount([a, b], '903', everyone, () => i / 1000)!.id as 'a' | 'b'] += 1;
    }
    expect(counts).toEqual({ a: 250, b: 750 });
  });

  it('a random source outside [0, 1) still picks a candidate', () => {
    expect(routeAccount([a, b], '903', everyone, () => 1)?.id).toBe('b');
    expect(routeAccount([a, b], '903', everyone, () => -3)?.id).toBe('a');
    expect(routeAccount([a, b], '903', everyone, () => Number.NaN)).not.toBeNull();
  });

  it('for any accounts and health: a healthy server of the code of the lowest healthy priority, or null when none', () => {
    const accounts = fc.array(
      fc.record({
        id: fc.string({ minLength: 1, maxLength: 4 }),
        bankCodes: fc.subarray(['901', '902', '903', '904']),
        priority: fc.integer({ min: 0, max: 3 }),
        weight: fc.integer({ min: 1, max: 5 }),
      }),
      { maxLength: 6 },
    );
    fc.assert(
      fc.property(
        accounts,
        fc.constantFrom('901', '902', '903', '904'),
        fc.func(fc.boolean()),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (list, code, healthy, r) => {
          const isHealthy = (id: string) => healthy(id);
          const chosen = routeAccount(list, code, isHealthy, () => r);
          const candidates = list.filter((x) => x.bankCodes.includes(code) && isHealthy(x.id));
          if (candidates.length === 0) return chosen === null;
          const lowest = Math.min(...candidates.map((x) => x.priority));
          return chosen !== null && candidates.includes(chosen) && chosen.priority === lowest;
        },
      ),
    );
  });
});

describe('servedCodes', () => {
  it('keeps the offered codes, in order, that a healthy account serves', () => {
    const accounts = [account('a', ['902', '903']), account('b', ['903', '904'])];
    expect(servedCodes(accounts, ['904', '903', '902', '901'], everyone)).toEqual(['904', '903', '902']);
    expect(servedCodes(accounts, ['902', '903', '904'], (id) => id === 'b')).toEqual(['903', '904']);
    expect(servedCodes(accounts, ['902', '903'], () => false)).toEqual([]);
  });
});
