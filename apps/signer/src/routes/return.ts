/**
 * @module routes/return
 * `GET|POST /api/return[/:lang]`: the browser coming back from the gateway. Only a verified order id of ours is passed on,
 * and the target is always the configured return page, so this can never redirect anywhere else. Payment is
 * decided by the notification or a query only: the return changes nothing but the order's reconciliation, which a
 * verified return lifts to the whole schedule (the shopper was at the gateway: `store.recordReach`). With several
 * gateway accounts, the return is verified with each account's key in turn (gateways/notification-account.ts), and
 * its order id is passed on only when the order is bound to the account whose key verified it.
 */
import { JupayError, parseNotification, type Notification } from '@jupay/core';
import { Hono } from 'hono';
import { HttpError } from '../errors.ts';
import { rawQuery } from '../http/raw-query.ts';
import { readBodyText } from '../http/read-body.ts';
import { setResponseHeader } from '../http/response-header.ts';
import type { GatewayAccount } from '../config/gateway-accounts.ts';
import { receiveFromAccounts } from '../gateways/notification-account.ts';
import type { Logger, SignerEnv } from '../log.ts';
import type { OrderStore } from '../store/order-store.ts';
import { returnLocation } from '../widget/round-trip.ts';

// The order ids checkout makes (core's newOrderId): 1 to 32 letters and digits.
const ORDER_ID = /^[A-Za-z0-9]{1,32}$/;

/** What {@link returnRoute} needs. */
export interface ReturnRouteDeps {
  /** The gateway accounts (their member ids, keys and dialects); one, `default`, for the single gateway. */
  accounts: readonly Pick<GatewayAccount, 'id' | 'memberId' | 'key' | 'dialect'>[];
  /**
   * `JUPAY_RETURN_URL`: the merchant page; `orderId=<id>` is added for a verified order of ours, and `lang=` when
   * the checkout carried the shopper's language in the callback path (widget/round-trip.ts).
   */
  returnUrl: string;
  bodyLimitBytes: number;
  store: Pick<OrderStore, 'getOrder' | 'recordReach'>;
  clock: () => Date;
}

/**
 * The return route, to mount at `/api/return`.
 * @example
 * app.route('/api/return', returnRoute({ accounts: config.gateways, returnUrl, bodyLimitBytes, store, clock }));
 * // GET /api/return?<signed fields> → 303 Location: https://shop.example/thanks?orderId=E2024...
 */
export function returnRoute(deps: ReturnRouteDeps): Hono<SignerEnv> {
  const { store } = deps;
  return new Hono<SignerEnv>().on(['GET', 'POST'], ['/', '/:lang'], async (c) => {
    let orderId: string | null = null;
    try {
      let raw = '';
      if (c.req.method === 'GET') raw = rawQuery(c.req.url);
      else if (
        (c.req.header('content-type') ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')
      ) {
        raw = await readBodyText(c, deps.bodyLimitBytes);
      }
      if (raw !== '') {
        const { received, account } = receiveFromAccounts(
          raw,
          deps.accounts,
          (a): Notification | JupayError => {
            try {
              // Only the signed fields matter here: a mangled attach must not hide a verified order id.
              return parseNotification(raw, a, { tolerant: true, dialect: a.dialect });
            } catch (error) {
              if (error instanceof JupayError) return error;
              throw error;
            }
          },
          (r) => !(r instanceof JupayError),
        );
        if (received instanceof JupayError) throw received;
        orderId = await ourOrder(store, received.orderId, account!.id, c.get('log'));
      }
    } catch (error) {
      if (!(error instanceof JupayError) && !(error instanceof HttpError)) throw error;
      // e.g. `Connection: close` after an oversize body whose rest is never read.
      if (error instanceof HttpError) {
        for (const [name, value] of Object.entries(error.headers)) setResponseHeader(c, name, value);
      }
      c.get('log').warn({ code: error.code }, 'unverifiable return');
    }
    if (orderId !== null) {
      try {
        await store.recordReach(orderId, 'returned', deps.clock());
      } catch (error) {
        // Only the reconciliation of this order is at stake, never the shopper's way back.
        c.get('log').warn({ err: error, orderId }, 'return: reach not recorded');
      }
    }
    setResponseHeader(c, 'Cache-Control', 'no-store');
    return c.redirect(returnLocation(deps.returnUrl, orderId, c.req.param('lang')), 303);
  });
}

/**
 * The verified order id when it is one of ours, bound to the account whose key verified the return. When the store
 * cannot tell (down, timing out), the shopper still goes back to the shop with the id the gateway signed with our
 * key: the return decides nothing, and the shop page's status reads will answer once the store is back.
 */
async function ourOrder(
  store: Pick<OrderStore, 'getOrder'>,
  orderId: string,
  gatewayId: string,
  log: Logger,
): Promise<string | null> {
  try {
    const order = await store.getOrder(orderId);
    if (order && order.gatewayId !== gatewayId) {
      log.warn(
        { orderId, gateway: gatewayId, boundTo: order.gatewayId },
        'return signed with another account key',
      );
      return null;
    }
    return order ? orderId : null;
  } catch (error) {
    log.warn({ err: error, orderId }, 'return: order not checked, store unavailable');
    return ORDER_ID.test(orderId) ? orderId : null;
  }
}
