/**
 * @module admin/china-day
 * China time for the console and the orders command: China has one offset all year (no daylight saving), so a day
 * and a time of day are the instant shifted by eight hours. Kept apart from the admin queries so that each store's
 * queries can use it without importing the module that chooses between them.
 */

/** China's offset from UTC, in milliseconds: days and dates in the console are China time. */
export const CHINA_OFFSET_MS = 8 * 3_600_000;

/**
 * The instant a China-time day (`YYYY-MM-DD`) starts; null for anything else.
 * @example
 * chinaDayStart('2024-03-01')?.toISOString(); // '2024-02-29T16:00:00.000Z'
 */
export function chinaDayStart(day: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
  const ms = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== day) return null;
  return new Date(ms - CHINA_OFFSET_MS);
}

/**
 * An instant as China time, `YYYY-MM-DD HH:mm:ss`.
 * @example
 * chinaTime(new Date('2024-03-01T04:00:05Z')); // '2024-03-01 12:00:05'
 */
export function chinaTime(at: Date): string {
  return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}
