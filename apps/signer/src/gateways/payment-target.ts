/**
 * @module gateways/payment-target
 * Where the browser posts a signed payment form. `<pay-button>` posts only to the one gateway origin `/api/config`
 * names (it refuses any other form action), so while every account's payment page is on one origin, that is the
 * origin and each form goes straight to its account's page. When the accounts' pages are on several origins, the
 * origin is the signer's own and each form goes to `POST /api/pay/<account id>` (routes/pay-relay.ts), which sends
 * the browser on, with the same form, to that account's page (HTTP 307 keeps the method and the body).
 */
import type { GatewayAccount } from '../config/gateway-accounts.ts';

/** The path of the relay, under the signer's public URL. */
export const PAY_RELAY_PATH = '/api/pay';

/** Where forms go. */
export interface PaymentTargets {
  /** The origin `/api/config` names as `gateway`: the only one `<pay-button>` posts to. */
  gatewayOrigin: string;
  /** true when the accounts' pages are on several origins, so forms go through the relay. */
  relayed: boolean;
  /** The form action of an order bound to `account`. */
  actionFor(account: Pick<GatewayAccount, 'id' | 'paymentUrl'>): string;
}

/**
 * The targets for these accounts and this signer.
 * @example
 * const targets = paymentTargets(config.gateways, config.publicUrl);
 * targets.actionFor(account); // 'https://gw-a.example/Pay_Index.html', or 'https://pay.shop.example/api/pay/a'
 */
export function paymentTargets(
  accounts: readonly Pick<GatewayAccount, 'id' | 'paymentUrl'>[],
  publicUrl: string,
): PaymentTargets {
  const origins = new Set(accounts.map((a) => new URL(a.paymentUrl).origin));
  if (origins.size <= 1) {
    return {
      gatewayOrigin: [...origins][0] ?? new URL(publicUrl).origin,
      relayed: false,
      actionFor: (account) => account.paymentUrl,
    };
  }
  return {
    gatewayOrigin: new URL(publicUrl).origin,
    relayed: true,
    actionFor: (account) => `${publicUrl}${PAY_RELAY_PATH}/${account.id}`,
  };
}
