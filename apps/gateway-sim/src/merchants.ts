/**
 * @module merchants
 * The merchants the simulated gateway knows: member id (商户号) and key (秘钥). Real gateways number merchants from
 * 10001 up (the server subtracts 10000 to find the user row), so member ids at or below 10000 never exist.
 */

/** One merchant account. */
export interface Merchant {
  /** The `pay_memberid`, as the gateway prints it, e.g. `"10002"`. */
  memberId: string;
  /** The MD5 signing key. */
  key: string;
  /** Shown on the cashier page. */
  name?: string;
}

/**
 * The public demo merchant: the key printed in the gateway's own public demo (docs/protocol.md#test-vectors).
 *
 * @example
 * DEMO_MERCHANT.memberId; // '10002'
 */
export const DEMO_MERCHANT: Readonly<Merchant> = Object.freeze({
  memberId: '10002',
  key: 't4ig5acnpx4fet4zapshjacjd9o4bhbi',
  name: 'jupay demo merchant',
});

/**
 * Checks a merchant list: member ids are decimal numbers above 10000 without leading zeros (the form `intval`
 * produces), keys are not empty, and no member id appears twice.
 *
 * @example
 * validateMerchants([{ memberId: '10003', key: 'secret' }]); // returns the same list
 */
export function validateMerchants(merchants: readonly Merchant[]): Merchant[] {
  if (!Array.isArray(merchants) || merchants.length === 0) {
    throw new TypeError('merchants: at least one merchant is required');
  }
  const seen = new Set<string>();
  return merchants.map((m, i) => {
    if (typeof m?.memberId !== 'string' || !/^[1-9]\d*$/.test(m.memberId) || Number(m.memberId) <= 10000) {
      throw new TypeError(
        `merchants[${i}].memberId must be a number above 10000, got ${JSON.stringify(m?.memberId)}`,
      );
    }
    if (typeof m.key !== 'string' || m.key.length === 0) {
      throw new TypeError(`merchants[${i}].key must be a non-empty string`);
    }
    if (seen.has(m.memberId)) throw new TypeError(`merchants[${i}].memberId ${m.memberId} appears twice`);
    seen.add(m.memberId);
    return { ...m };
  });
}

/**
 * Parses the `GATEWAY_MERCHANTS` / `--merchants` syntax: `memberId:key[:name]` entries separated by commas.
 *
 * @example
 * parseMerchantList('10002:t4ig5acnpx4fet4zapshjacjd9o4bhbi,10003:otherkey:Shop B');
 * // [{ memberId: '10002', key: 't4ig…' }, { memberId: '10003', key: 'otherkey', name: 'Shop B' }]
 */
export function parseMerchantList(text: string): Merchant[] {
  const entries = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return validateMerchants(
    entries.map((entry, i) => {
      const [memberId, key, ...name] = entry.split(':');
      if (!memberId || !key)
        throw new TypeError(`merchants entry ${i} "${entry}" is not memberId:key[:name]`);
      return name.length ? { memberId, key, name: name.join(':') } : { memberId, key };
    }),
  );
}
