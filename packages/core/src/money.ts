/**
 * @module money
 * Money is integer fen (分) inside jupay; decimal yuan strings exist only at the wire. No floats anywhere.
 */
import { ValidationError } from './errors.ts';

/** The largest amount a payment request may carry: 10 million yuan. Far above any real order, far below 2^53. */
export const MAX_AMOUNT_FEN = 1_000_000_000;

// 13 integer digits keep fen (x100) well inside Number.MAX_SAFE_INTEGER.
const MAX_INTEGER_DIGITS = 13;

function invalid(text: string, why: string, field: string): never {
  throw new ValidationError('INVALID_AMOUNT', `${field} "${text}" ${why}`, field);
}

/**
 * Parses a yuan amount as a person or a merchant writes it, at most two decimals, into integer fen.
 *
 * @example
 * parseYuan('12.3');  // 1230
 * parseYuan('0.01');  // 1
 * parseYuan('1.234'); // throws ValidationError INVALID_AMOUNT
 */
export function parseYuan(text: string, field = 'amount'): number {
  if (typeof text !== 'string') invalid(String(text), 'is not a string', field);
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) {
    if (/^\d+\.\d{3,}$/.test(text)) invalid(text, 'has more than two decimals', field);
    invalid(text, 'is not a decimal number of yuan', field);
  }
  return toFen(text, match[1]!, match[2] ?? '', field);
}

/**
 * Parses an amount the gateway sends back: its database decimal, often with four decimals (`"100.0000"`, some
 * forks three or two). Decimals past the second must be zero: `"100.001"` is not a whole number of fen.
 *
 * @example
 * parseGatewayAmount('100.0000'); // 10000
 * parseGatewayAmount('100');      // 10000
 * parseGatewayAmount('100.001');  // throws ValidationError INVALID_AMOUNT
 */
export function parseGatewayAmount(text: string, field = 'amount'): number {
  const match = typeof text === 'string' ? /^(\d+)(?:\.(\d+))?$/.exec(text) : null;
  if (!match) invalid(String(text), 'is not a decimal number of yuan', field);
  const fraction = match[2] ?? '';
  if (/[^0]/.test(fraction.slice(2))) invalid(text, 'is not a whole number of fen', field);
  return toFen(text, match[1]!, fraction.slice(0, 2), field);
}

function toFen(text: string, integer: string, fraction: string, field: string): number {
  const digits = integer.replace(/^0+(?=\d)/, '');
  if (digits.length > MAX_INTEGER_DIGITS) invalid(text, 'is too large', field);
  return Number(digits) * 100 + Number(fraction.padEnd(2, '0'));
}

/**
 * Formats integer fen as yuan with a fixed number of decimals (2 for requests, 4 as the gateway echoes it).
 *
 * @example
 * formatYuan(1230);    // '12.30'
 * formatYuan(1230, 4); // '12.3000'
 */
export function formatYuan(fen: number, decimals: 2 | 3 | 4 = 2): string {
  if (!Number.isSafeInteger(fen)) {
    throw new ValidationError(
      'INVALID_AMOUNT',
      `amount ${String(fen)} is not an integer number of fen`,
      'amount',
    );
  }
  const sign = fen < 0 ? '-' : '';
  const absolute = Math.abs(fen);
  const yuan = Math.floor(absolute / 100);
  const cents = String(absolute % 100).padStart(2, '0');
  return `${sign}${yuan}.${cents.padEnd(decimals, '0')}`;
}
