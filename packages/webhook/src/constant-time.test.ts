/** @module constant-time.test — equal bytes, a difference anywhere, a different length. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { constantTimeEqual } from './constant-time.ts';

describe('constantTimeEqual', () => {
  it('is true for the same bytes only', () => {
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3]))).toBe(true);
    expect(constantTimeEqual(new Uint8Array(0), new Uint8Array(0))).toBe(true);
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2]))).toBe(false);
  });

  it('finds a single flipped bit at any position', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        (bytes, at, bit) => {
          const other = bytes.slice();
          other[at % other.length]! ^= 1 << bit;
          expect(constantTimeEqual(bytes, bytes.slice())).toBe(true);
          expect(constantTimeEqual(bytes, other)).toBe(false);
        },
      ),
    );
  });
});
