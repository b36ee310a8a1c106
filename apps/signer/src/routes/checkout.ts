/**
 * @module routes/checkout
 * `POST /api/checkout`: the browser asks for an order; everything the gateway sees (order id, apply date, amount,
 * notify and return URLs) is decided here from the configuration, never taken from the request. The order goes to
 * a gateway account that serves its bank code (gateways/gateways.ts: healthy, by priority, then weight), is signed
 * with that account's key, dialect and member id, and stays bound to it. The signed form goes back to the browser,
 * which posts it to that account's gateway (or through the relay, gateways/payment-target.ts). An
 * `Idempotency-Key` makes a retry return the same order, bound to the account it was first signed for; the rate
 * limit counts per client address.
 */
import { createPaymentRequest } from '@jupay/core';
import { Hono } from 'hono';
import type { SignerConfig } from '../config/load-config.ts';
import { HttpError } from '../errors.ts';
import { clientAddress } from '../http/client-address.ts';
import { createRateLimiter, enforceRateLimit } from '../http/rate-limit.ts';
import { readFields } from '../http/read-fields.ts';
import { setResponseHeader } from '../http/response-header.ts';
import type { SignerEnv } from '../log.ts';
import { checkoutBodyHash, parseCheckoutInput, type CheckoutInputConfig } from '../orders/checkout-input.ts';
import type { Gateways } from '../gateways/gateways.ts';
import type { OrderStore } from '../store/order-store.ts';
import { UNSUBMITTED_QUERY_BUDGET } from '../reconcile/schedule.ts';
import { callbackUrlFor, cancelUrlFor } from '../widget/round-trip.ts';

/** The settings checkout reads. */
export type CheckoutRouteConfig = CheckoutInputConfig &
  Pick<
    SignerConfig,
    | 'notifyUrl'
    | 'callbackUrl'
    | 'cancelUrl'
    | 'publicUrl'
    | 'reconcileSchedule'
    | 'bodyLimitBytes'
    | 'trustedProxyHeader'
    | 'rateLimit'
  >;

/** What {@link checkoutRoute} needs. */
export interface CheckoutRouteDeps {
  config: CheckoutRouteConfig;
  store: Pick<OrderStore, 'createOrder'>;
  clock: () => Date;
  newOrderId: (now: Date) => string;
  /** The gateway accounts: which takes a checkout, and where its forms go. */
  gateways: Pick<Gateways, 'route' | 'account' | 'targets'>;
  /** Told each checkout answered 201 and its account (metrics). */
  onCheckout?: (result: 'created' | 'replayed', gatewayId: string) => void;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

/**
 * The checkout route, to mount at `/api/checkout`.
 * @example
 * app.route('/api/checkout', checkoutRoute({ config, store, clock: () => new Date(), newOrderId, gateways }));
 * // POST /api/checkout {"bankCode":"903","amount":"12.30"} → 201 { orderId, action, method, fields, statusUrl }
 */
export function checkoutRoute(deps: CheckoutRouteDeps): Hono<SignerEnv> {
  const { config, store, clock } = deps;
  const limiter = createRateLimiter({
    limit: config.rateLimit.checkout,
    windowMs: config.rateLimit.windowMs,
    clock: () => clock().getTime(),
  });
  const { gateways } = deps;
  const allowedBankCodes = config.methods.map((m) => m.code);
  const firstQuery = config.reconcileSchedule[0];

  return new Hono<SignerEnv>().post('/', async (c) => {
    enforceRateLimit(limiter, clientAddress(c, config.trustedProxyHeader));
    const idempotencyKey = c.req.header('idempotency-key');
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new HttpError('INVALID_REQUEST', 'Idempotency-Key must be 1 to 128 printable ASCII characters');
    }
    const input = parseCheckoutInput(await readFields(c, config.bodyLimitBytes), config);
    const account = gateways.route(input.bankCode);
    if (account === null) {
      // Offered, but every account serving it is down while others are up: /api/config has stopped offering it.
      throw new HttpError(
        'GATEWAY_UNAVAILABLE',
        `no gateway for bank code ${input.bankCode} is available now: try again later or another method`,
        { 'Retry-After': '30' },
      );
    }
    const createdAt = clock();
    const orderId = deps.newOrderId(createdAt);
    const request = createPaymentRequest(
      {
        paymentUrl: account.paymentUrl,
        orderId,
        amount: input.amountFen,
        bankCode: input.bankCode,
        allowedBankCodes,
        notifyUrl: config.notifyUrl,
        // The shopper's language rides in the signed callback path and the cancel link (widget/round-trip.ts).
        callbackUrl: callbackUrlFor(config.callbackUrl, input.lang),
        productUrl: cancelUrlFor(config.cancelUrl, input.lang),
        productName: input.productName,
        ...(input.attach !== null ? { attach: input.attach } : {}),
        applyDate: createdAt,
      },
      { memberId: account.memberId, key: account.key },
      { dialect: account.dialect },
    );
    const result = await store.createOrder({
      orderId,
      memberId: account.memberId,
      gatewayId: account.id,
      amountFen: input.amountFen,
      bankCode: input.bankCode,
      productName: input.productName,
      attach: input.attach,
      createdAt,
      // The reconciliation loop's first query of this order.
      nextQueryAt: firstQuery === undefined ? null : new Date(createdAt.getTime() + firstQuery),
      requestFields: request.fields,
      // A client that will report the form POST gets a short budget until it does; any other keeps the schedule.
      queryBudget: input.beacon ? UNSUBMITTED_QUERY_BUDGET : null,
      ...(idempotencyKey !== undefined
        ? { idempotency: { key: idempotencyKey, bodyHash: checkoutBodyHash(input) } }
        : {}),
    });
    const id = result.order.orderId;
    // A replay answers with the order it first made, bound to the account that signed it.
    const bound = result.created ? account : gateways.account(result.order.gatewayId);
    if (bound === undefined) {
      throw new HttpError(
        'GATEWAY_UNAVAILABLE',
        'the gateway account of this order is no longer configured: start a new payment',
      );
    }
    if (!result.created) setResponseHeader(c, 'Idempotent-Replayed', 'true');
    setResponseHeader(c, 'Cache-Control', 'no-store');
    deps.onCheckout?.(result.created ? 'created' : 'replayed', bound.id);
    return c.json(
      {
        orderId: id,
        action: gateways.targets.actionFor(bound),
        method: 'POST' as const,
        fields: result.requestFields,
        statusUrl: `${config.publicUrl}/api/orders/${id}`,
      },
      201,
    );
  });
}
