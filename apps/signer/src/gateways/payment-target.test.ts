/** @module gateways/payment-target.test — straight to the gateway while one origin serves every account, else through the relay. */
import { describe, expect, it } from 'vitest';
import { paymentTargets } from './payment-target.ts';

const PUBLIC = 'https://pay.shop.example/jupay';

describe('paymentTargets', () => {
  it('one origin (one account, or several at one provider): that origin, and each account its own page', () => {
    const targets = paymentTargets(
      [
        { id: 'a', paymentUrl: 'https://gw.example/a/Pay_Index.html' },
        { id: 'b', paymentUrl: 'https://gw.example/b/Pay_Index.html' },
      ],
      PUBLIC,
    );
    expect(targets.gatewayOrigin).toBe('https://gw.example');
    expect(targets.relayed).toBe(false);
    expect(targets.actionFor({ id: 'b', paymentUrl: 'https://gw.example/b/Pay_Index.html' })).toBe(
      'https://gw.example/b/Pay_Index.html',
    );
  });

  it("several origins: the signer's origin, and the relay of each account", () => {
    const targets = paymentTargets(
      [
        { id: 'a', paymentUrl: 'https://gw-a.example/Pay_Index.html' },
        { id: 'b', paymentUrl: 'https://gw-b.example:8443/Pay_Index.html' },
      ],
      PUBLIC,
    );
    expect(targets.gatewayOrigin).toBe('https://pay.shop.example');
    expect(targets.relayed).toBe(true);
    expect(targets.actionFor({ id: 'b', paymentUrl: 'https://gw-b.example:8443/Pay_Index.html' })).toBe(
      'https://pay.shop.example/jupay/api/pay/b',
    );
  });
});
