/** @module http/client-address.test — who is calling (socket or trusted proxy header), and its rate-limit key. */
import { describe, expect, it } from 'vitest';
import { tinyApp } from '../../test/helpers/tiny-app.ts';
import { addressKey, clientAddress } from './client-address.ts';

describe('clientAddress', () => {
  function whoIs(trustedHeader: string | null) {
    const { app } = tinyApp();
    app.get('/who', (c) => c.text(clientAddress(c, trustedHeader)));
    return async (headers: Record<string, string>, socketAddress?: string) => {
      const env =
        socketAddress === undefined ? undefined : { incoming: { socket: { remoteAddress: socketAddress } } };
      return (await app.request('/who', { headers }, env)).text();
    };
  }

  it('is the socket address without a trusted header, whatever the client writes in headers', async () => {
    const who = whoIs(null);
    expect(await who({ 'x-forwarded-for': '203.0.113.9' }, '10.0.0.1')).toBe('10.0.0.1');
    expect(await who({}, '::1')).toBe('::1');
    // No socket (another runtime): one shared key rather than a crash.
    expect(await who({})).toBe('unknown');
  });

  it('behind a proxy, is the right-most entry of its header: the one the proxy appended', async () => {
    const who = whoIs('x-forwarded-for');
    expect(await who({ 'x-forwarded-for': '1.1.1.1, 9.9.9.9,  203.0.113.1 ' }, '10.0.0.1')).toBe(
      '203.0.113.1',
    );
    expect(await who({ 'x-forwarded-for': '203.0.113.2' }, '10.0.0.1')).toBe('203.0.113.2');
    // The header missing or its last entry empty: the socket address.
    expect(await who({}, '10.0.0.1')).toBe('10.0.0.1');
    expect(await who({ 'x-forwarded-for': '203.0.113.1, ' }, '10.0.0.1')).toBe('10.0.0.1');
    // A runaway value is cut, so it cannot grow the rate limiter's keys.
    expect(await who({ 'x-forwarded-for': 'x'.repeat(500) }, '10.0.0.1')).toBe('x'.repeat(64));
  });
});

describe('addressKey', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:0DB8:0001:0002:ffff::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['[2001:db8:1:2::9]:443', '2001:db8:1:2::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['::FFFF:c000:0201', '192.0.2.1'],
    // NAT64 (64:ff9b::/96) is not IPv4-mapped: a v6 client like any other.
    ['64:ff9b::192.0.2.1', '64:ff9b:0:0::/64'],
    ['unknown', 'unknown'],
    ['proxy.internal', 'proxy.internal'],
  ])('%s -> %s', (address, key) => {
    expect(addressKey(address)).toBe(key);
  });
});
