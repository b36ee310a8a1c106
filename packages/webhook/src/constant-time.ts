/**
 * @module constant-time
 * Byte comparison whose running time depends on the length only, so an attacker timing the receiver's answers
 * learns nothing about how many leading bytes of a forged MAC were right.
 */

/**
 * True when both arrays hold the same bytes; time depends only on the length.
 *
 * @example
 * constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2])); // true
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}
