/**
 * @module routes/pay-relay
 * `POST /api/pay/:gatewayId`: the browser's signed payment form, when the accounts' payment pages are on several
 * origins (gateways/payment-target.ts). Answers `307 Temporary Redirect` to that account's payment page, so the
 * browser posts the same form there: the gateway sees exactly what a direct post sends. The target is only ever a
 * configured payment URL, never one from the request; the body is not read (the gateway verifies it).
 */
import { Hono } from 'hono';
import type { GatewayAccount } from '../config/gateway-accounts.ts';
import { HttpError } from '../errors.ts';
import { setResponseHeader } from '../http/response-header.ts';
import type { SignerEnv } from '../log.ts';

/** What {@link payRelayRoute} needs. */
export interface PayRelayRouteDeps {
  accounts: readonly Pick<GatewayAccount, 'id' | 'paymentUrl'>[];
}

/**
 * The relay, to mount at `/api/pay`.
 * @example
 * app.route('/api/pay', payRelayRoute({ accounts: config.gateways }));
 * // POST /api/pay/b (the form) → 307 Location: https://gw-b.example/Pay_Index.html
 */
export function payRelayRoute(deps: PayRelayRouteDeps): Hono<SignerEnv> {
  const targets = new Map(deps.accounts.map((a) => [a.id, a.paymentUrl]));
  return new Hono<SignerEnv>().post('/:gatewayId', (c) => {
    const target = targets.get(c.req.param('gatewayId'));
    if (target === undefined) throw new HttpError('NOT_FOUND', 'no such gateway account');
    // The signer's own `no-referrer` would travel with the redirect and change what the gateway sees: without it,
    // the gateway gets the Referer the shop page's policy gives, as when the form is posted to it directly.
    const outgoing = (c.env as { outgoing?: { removeHeader?(name: string): void } } | undefined)?.outgoing;
    if (typeof outgoing?.removeHeader === 'function') outgoing.removeHeader('Referrer-Policy');
    else c.header('Referrer-Policy', undefined);
    setResponseHeader(c, 'Cache-Control', 'no-store');
    return c.body(null, 307, { Location: target });
  });
}
