/**
 * @module gateways/route-account
 * Which gateway account takes a checkout: among the healthy accounts that serve its bank code, those of the lowest
 * priority number, and among them one drawn at random in proportion to its weight (the rule of DNS SRV records,
 * RFC 2782). Pure: health is a predicate and the random source is injected, so tests can fix both.
 */
import type { GatewayAccount } from '../config/gateway-accounts.ts';

/** What routing reads of an account. */
export type RoutableAccount = Pick<GatewayAccount, 'id' | 'bankCodes' | 'priority' | 'weight'>;

/** A number in [0, 1), as `Math.random` returns. */
export type RandomSource = () => number;

/**
 * The account a checkout for `bankCode` goes to, or null when no healthy account serves that code.
 * @example
 * const account = routeAccount(config.gateways, '903', (id) => health.isHealthy(id));
 * if (account === null) throw new HttpError('GATEWAY_UNAVAILABLE', '...');
 */
export function routeAccount<A extends RoutableAccount>(
  accounts: readonly A[],
  bankCode: string,
  isHealthy: (id: string) => boolean,
  random: RandomSource = Math.random,
): A | null {
  let best: A[] = [];
  for (const account of accounts) {
    if (!account.bankCodes.includes(bankCode) || !isHealthy(account.id)) continue;
    if (best.length === 0 || account.priority < best[0]!.priority) best = [account];
    else if (account.priority === best[0]!.priority) best.push(account);
  }
  if (best.length <= 1) return best[0] ?? null;
  const total = best.reduce((sum, a) => sum + a.weight, 0);
  // A random source outside [0, 1) would skew the draw silently: clamp to the last account rather than fall off.
  let point = Math.min(Math.max(random(), 0), 0.999_999_999_999) * total;
  for (const account of best) {
    point -= account.weight;
    if (point < 0) return account;
  }
  return best[best.length - 1]!;
}

/**
 * The bank codes at least one healthy account serves, in the order of `offered` (`GET /api/config` offers these).
 * @example
 * servedCodes(config.gateways, ['902', '903'], (id) => health.isHealthy(id)); // ['903'] while 902's accounts are down
 */
export function servedCodes(
  accounts: readonly RoutableAccount[],
  offered: readonly string[],
  isHealthy: (id: string) => boolean,
): string[] {
  const healthy = accounts.filter((a) => isHealthy(a.id));
  return offered.filter((code) => healthy.some((a) => a.bankCodes.includes(code)));
}
