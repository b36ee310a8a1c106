/**
 * @module gateways/notification-account
 * Which gateway account sent a notification (or a page return): the one whose key verifies it. The body names a
 * member id, which is only a claim until a signature proves it, so the accounts with that member id are tried
 * first (usually one: one verification, as with a single account), then the others, so that a body signed with a
 * key of ours for another member id is still told apart from a forgery (`member_mismatch`, not `bad_signature`).
 * Two accounts may have the same member id at two providers; the key decides. Which account the order is bound
 * to is checked afterwards, against the account found here: a notification signed with one account's key never
 * pays an order of another.
 */
import type { GatewayAccount } from '../config/gateway-accounts.ts';

/**
 * The member id a body claims (`memberid=`), or null; for ordering the accounts only, never trusted.
 * @example
 * claimedMemberId('memberid=10002&orderid=E1&sign=x'); // '10002'
 */
export function claimedMemberId(rawBody: string): string | null {
  const match = /(?:^|&)memberid=([0-9]{1,20})(?:&|$)/.exec(rawBody);
  return match ? match[1]! : null;
}

/**
 * The accounts in the order to try them: those whose member id the body claims, then the rest, each in the
 * configured order.
 * @example
 * verificationOrder(config.gateways, rawBody).map((a) => a.id); // ['b', 'a']
 */
export function verificationOrder<A extends Pick<GatewayAccount, 'memberId'>>(
  accounts: readonly A[],
  rawBody: string,
): A[] {
  const claimed = claimedMemberId(rawBody);
  const first = accounts.filter((a) => a.memberId === claimed);
  return [...first, ...accounts.filter((a) => a.memberId !== claimed)];
}

/**
 * Runs `receive` (parse and verify with one account) for each account in {@link verificationOrder} and returns the
 * first result that `verified` says a key of that account signed, with its account; when no key verifies it, the
 * first account's result and no account.
 * @example
 * const { received, account } = receiveFromAccounts(raw, config.gateways, (a) => receiveNotification(raw, a, { dialect: a.dialect }), (r) => r.kind !== 'unverified');
 */
export function receiveFromAccounts<A extends Pick<GatewayAccount, 'memberId'>, R>(
  rawBody: string,
  accounts: readonly A[],
  receive: (account: A) => R,
  verified: (result: R) => boolean,
): { received: R; account: A | null } {
  if (accounts.length === 1) {
    // The single gateway: one verification, no ordering to do (the notify route's hot path).
    const received = receive(accounts[0]!);
    return { received, account: verified(received) ? accounts[0]! : null };
  }
  let first: R | undefined;
  for (const account of verificationOrder(accounts, rawBody)) {
    const received = receive(account);
    if (verified(received)) return { received, account };
    first ??= received;
  }
  if (first === undefined) throw new TypeError('accounts: at least one account is required');
  return { received: first, account: null };
}
