/**
 * @module gateways/notification-account.test
 * Finding the account whose key signed a notification, with the real parse-and-verify: the claimed member id's
 * accounts first; the same member id at two providers told apart by the key; a key of ours for another member id
 * is member_mismatch; no key of ours, bad_signature and no account.
 */
import { describe, expect, it } from 'vitest';
import { notificationBody, TEST_KEY } from '../../test/helpers/notifications.ts';
import { receiveNotification, type ReceivedNotification } from '../orders/decide-notification.ts';
import { claimedMemberId, receiveFromAccounts, verificationOrder } from './notification-account.ts';

const A_KEY = 'key-of-account-a-0123456789';
const B_KEY = 'key-of-account-b-9876543210';
const accounts = [
  { id: 'a', memberId: '10002', key: A_KEY, dialect: 'standard' as const },
  { id: 'b', memberId: '20001', key: B_KEY, dialect: 'standard' as const },
  { id: 'c', memberId: '10002', key: TEST_KEY, dialect: 'standard' as const },
];

function receive(raw: string) {
  let tried = 0;
  const result = receiveFromAccounts(
    raw,
    accounts,
    (account) => {
      tried += 1;
      return receiveNotification(raw, account, { dialect: account.dialect });
    },
    (r: ReceivedNotification) => r.kind !== 'unverified',
  );
  return { ...result, tried };
}

describe('receiveFromAccounts', () => {
  it("finds the account whose key signed it, trying the claimed member id's accounts first", () => {
    const fromB = receive(notificationBody({ memberid: '20001' }, B_KEY));
    expect([fromB.account?.id, fromB.received.kind, fromB.tried]).toEqual(['b', 'verified', 1]);
    // Two accounts with member id 10002 at two providers: the key decides.
    const fromC = receive(notificationBody({ memberid: '10002' }, TEST_KEY));
    expect([fromC.account?.id, fromC.received.kind, fromC.tried]).toEqual(['c', 'verified', 2]);
    const fromA = receive(notificationBody({ memberid: '10002' }, A_KEY));
    expect([fromA.account?.id, fromA.tried]).toEqual(['a', 1]);
  });

  it("a key of ours for another member id is refused as member_mismatch, with the key's account", () => {
    const result = receive(notificationBody({ memberid: '20001' }, A_KEY));
    expect(result.account?.id).toBe('a');
    expect(result.received).toMatchObject({ kind: 'refused', verdict: 'member_mismatch' });
  });

  it('no key of ours: unverified, no account, after trying every account', () => {
    const result = receive(notificationBody({ memberid: '10002' }, 'a-key-of-nobody-123'));
    expect(result.account).toBeNull();
    expect(result.received).toMatchObject({ kind: 'unverified', verdict: 'bad_signature' });
    expect(result.tried).toBe(3);
    expect(receive('garbage').received).toMatchObject({ kind: 'unverified', verdict: 'malformed' });
  });
});

describe('receiveFromAccounts with a single account', () => {
  it('verifies once: the account when its key signed it, none when not', () => {
    const [only] = accounts;
    const run = (raw: string) =>
      receiveFromAccounts(
        raw,
        [only!],
        (a) => receiveNotification(raw, a, { dialect: a.dialect }),
        (r: ReceivedNotification) => r.kind !== 'unverified',
      );
    expect(run(notificationBody({ memberid: '10002' }, A_KEY)).account?.id).toBe('a');
    const forged = run(notificationBody({ memberid: '10002' }, B_KEY));
    expect([forged.account, forged.received.kind]).toEqual([null, 'unverified']);
  });
});

describe('verificationOrder and claimedMemberId', () => {
  it('orders the claimed member id first, and reads only a plain memberid field', () => {
    expect(verificationOrder(accounts, 'memberid=10002&x=1').map((a) => a.id)).toEqual(['a', 'c', 'b']);
    expect(verificationOrder(accounts, 'memberid=99999').map((a) => a.id)).toEqual(['a', 'b', 'c']);
    expect(claimedMemberId('orderid=E1&memberid=20001')).toBe('20001');
    expect(claimedMemberId('xmemberid=20001')).toBeNull();
    expect(claimedMemberId('memberid=20001x')).toBeNull();
  });
});
