/**
 * @module admin/token
 * Comparing a presented admin token with `JUPAY_ADMIN_TOKEN` in constant time: both are hashed first, so neither
 * the length nor any prefix of the real token shows in the time a refusal takes.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * true when `presented` is exactly `token`.
 * @example
 * tokenMatches(c.req.header('authorization')?.replace(/^Bearer /, ''), config.adminToken);
 */
export function tokenMatches(presented: string | undefined | null, token: string): boolean {
  if (typeof presented !== 'string' || presented === '') return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}
