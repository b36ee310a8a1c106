/**
 * @module order-id
 * Order ids the gateway accepts unchanged: 20 characters of `[0-9A-Za-z]` (docs/protocol.md#payment-request: letters
 * and digits only, "length 20"). 8 characters of time then 12 of crypto randomness (about 71 bits): unguessable, and
 * sorting the ids as strings sorts them by creation millisecond.
 */

// In ASCII order, so that string order equals numeric order of the time prefix.
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const TIME_LENGTH = 8; // 62^8 ms reaches beyond the year 8000
const RANDOM_LENGTH = 12;

function timePart(ms: number): string {
  let text = '';
  let rest = Math.floor(ms);
  for (let i = 0; i < TIME_LENGTH; i++) {
    text = ALPHABET[rest % 62] + text;
    rest = Math.floor(rest / 62);
  }
  return text;
}

// Random bytes are drawn from the system in blocks: one getRandomValues call per ~80 ids instead of one per id.
const pool = new Uint8Array(1024);
let poolOffset = pool.length;

function randomByte(): number {
  if (poolOffset === pool.length) {
    globalThis.crypto.getRandomValues(pool);
    poolOffset = 0;
  }
  return pool[poolOffset++]!;
}

function randomPart(): string {
  let text = '';
  while (text.length < RANDOM_LENGTH) {
    const byte = randomByte();
    // 248 = 4 * 62: dropping the bytes above it keeps every character equally likely.
    if (byte < 248) text += ALPHABET[byte % 62];
  }
  return text;
}

/**
 * A new order id: 20 characters, time-sortable, unguessable.
 *
 * @example
 * newOrderId(); // e.g. '0mKq3Zb1x9TQpLr2VwYc'
 */
export function newOrderId(now: Date = new Date()): string {
  return timePart(now.getTime()) + randomPart();
}

/**
 * The creation time encoded in an id made by {@link newOrderId}.
 *
 * @example
 * orderIdTime(newOrderId(new Date(0))).getTime(); // 0
 */
export function orderIdTime(orderId: string): Date {
  let ms = 0;
  for (const char of orderId.slice(0, TIME_LENGTH)) ms = ms * 62 + ALPHABET.indexOf(char);
  return new Date(ms);
}
