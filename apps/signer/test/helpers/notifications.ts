/**
 * @module helpers/notifications
 * The test merchant (the gateway's public demo key and member id) and notifications signed as the gateway signs
 * them, for tests with or without a signer.
 */
import { NOTIFICATION_SIGNED_FIELDS, sign, type Fields } from '@jupay/core';
import { guardSecret } from './leak-log.ts';

/** The public demo key of the gateway (docs/protocol.md#test-vectors): also the simulator's default merchant. */
export const TEST_KEY = 't4ig5acnpx4fet4zapshjacjd9o4bhbi';
export const TEST_MEMBER = '10002';

guardSecret(TEST_KEY);

/**
 * The fields of a notification as the gateway sends it, signed with `key` (default: the test key).
 * @example
 * notificationFields({ orderid: id, amount: '12.3000' });
 */
export function notificationFields(overrides: Partial<Fields> = {}, key = TEST_KEY): Fields {
  const fields: Fields = {
    memberid: TEST_MEMBER,
    orderid: 'E0000000000000000000',
    transaction_id: '20240301120005123456',
    amount: '12.3000',
    datetime: '20240301120005',
    returncode: '00',
    ...overrides,
  };
  const { attach, ...signed } = fields;
  const out: Fields = { ...signed, sign: sign(signed, key, { signedFields: NOTIFICATION_SIGNED_FIELDS }) };
  out.attach = attach ?? '';
  return out;
}

/**
 * A notification body string as the gateway builds it (by hand, values not URL-encoded).
 * @example
 * await t.request('/api/notify', { method: 'POST', body: notificationBody({ orderid: id }) });
 */
export function notificationBody(overrides: Partial<Fields> = {}, key = TEST_KEY): string {
  return Object.entries(notificationFields(overrides, key))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}
