/**
 * @module china-time
 * The gateway lives in China time (UTC+8, no daylight saving): `pay_applydate`, `datetime` and `time_end` are all
 * written in it, whatever the time zone of the host that builds them.
 */

const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

// Module level, not a closure inside parts(): no function allocated per call.
function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function parts(date: Date): string[] {
  if (!(date instanceof Date) || Number.isNaN(date.getTime()))
    throw new TypeError('date is not a valid Date');
  const shifted = new Date(date.getTime() + CHINA_OFFSET_MS);
  return [
    pad(shifted.getUTCFullYear(), 4),
    pad(shifted.getUTCMonth() + 1),
    pad(shifted.getUTCDate()),
    pad(shifted.getUTCHours()),
    pad(shifted.getUTCMinutes()),
    pad(shifted.getUTCSeconds()),
  ];
}

/**
 * `YYYY-MM-DD HH:mm:ss` in China time, the format of `pay_applydate` and `time_end`.
 *
 * @example
 * formatChinaDateTime(new Date('2016-12-26T10:18:18Z')); // '2016-12-26 18:18:18'
 */
export function formatChinaDateTime(date: Date): string {
  const [y, mo, d, h, mi, s] = parts(date);
  return `${y}-${mo}-${d} ${h}:${mi}:${s}`;
}

/**
 * `YYYYMMDDHHmmss` in China time, the format of a notification's `datetime`.
 *
 * @example
 * formatChinaCompact(new Date('2016-12-26T10:20:05Z')); // '20161226182005'
 */
export function formatChinaCompact(date: Date): string {
  return parts(date).join('');
}

/**
 * Reads `YYYY-MM-DD HH:mm:ss` (China time) back into a Date; null when it is not in that format.
 *
 * @example
 * parseChinaDateTime('1970-01-01 08:00:00')?.getTime(); // 0
 */
export function parseChinaDateTime(text: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!match) return null;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  const utc = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!) - CHINA_OFFSET_MS;
  return Number.isNaN(utc) ? null : new Date(utc);
}
