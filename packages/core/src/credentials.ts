/**
 * @module credentials
 * The merchant's member id (商户号) and key. The member id is normalised as the server does it.
 */
import { ValidationError } from './errors.ts';

/** What the gateway gave the merchant: the member id and the MD5 secret key. */
export interface Credentials {
  memberId: string;
  key: string;
}

/**
 * The server passes `pay_memberid` through PHP `intval` before signing (docs/protocol.md#payment-request), so
 * `"010002"` is signed as `"10002"`. Sending the normalised form keeps both sides on the same string.
 *
 * @example
 * normalizeMemberId('010002'); // '10002'
 */
export function normalizeMemberId(memberId: string): string {
  if (typeof memberId !== 'string' || !/^\d{1,18}$/.test(memberId)) {
    throw new ValidationError('INVALID_MEMBER_ID', 'memberId must be 1 to 18 digits', 'memberId');
  }
  return memberId.replace(/^0+(?=\d)/, '');
}

/**
 * Checks both credentials; the key's value is never part of a message.
 *
 * @example
 * checkCredentials({ memberId: '10002', key: process.env.JUPAY_KEY! });
 */
export function checkCredentials(credentials: Credentials): Credentials {
  if (!credentials || typeof credentials.key !== 'string' || credentials.key.length === 0) {
    throw new ValidationError('INVALID_KEY', 'the merchant key is empty or not a string', 'key');
  }
  return { memberId: normalizeMemberId(credentials.memberId), key: credentials.key };
}
