/**
 * @module routes/checkout
 * `POST /api/checkout`: the browser asks for an order; everything the gateway sees (order id, apply date, amount,
 * notify and return URLs) is decided here from the configuration, never taken from the request. The signed form
 * goes back to the browser, which posts it to the gateway. An `Idempotency-Key` makes a retry return the same
 * order; the rate limit counts per client address.
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
import type { OrderStore } from '../store/order-store.ts';
import { UNSUBMITTED_QUERY_BUDGET } from '../reconcile/schedule.ts';
import { callbackUrlFor, cancelUrlFor } from '../widget/round-trip.ts';

/** The settings checkout reads. */
export type CheckoutRouteConfig = CheckoutInputConfig &
  Pick<
    SignerConfig,
    | 'memberId'
    | 'key'
    | 'paymentUrl'
    | 'notifyUrl'
    | 'callbackUrl'
    | 'cancelUrl'
    | 'publicUrl'
    | 'reconcileSchedule'
    | 'bodyLimitBytes'
    | 'trustedProxyHeader'
    | 'rateLimit'
    | 'signDialect'
  >;

/** What {@link checkoutRoute} needs. */
export interface CheckoutRouteDeps {
  config: CheckoutRouteConfig;
  store: Pick<OrderStore, 'createOrder'>;
  clock: () => Date;
  newOrderId: (now: Date) => string;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

/**
 * The checkout route, to mount at `/api/checkout`.
 * @example
 * app.route('/api/checkout', checkoutRoute({ config, store, clock: () => new Date(), newOrderId }));
 * // POST /api/checkout {"bankCode":"903","amount":"12.30"} → 201 { orderId, action, method, fields, statusUrl }
 */
export function checkoutRoute(deps: CheckoutRouteDeps): Hono<SignerEnv> {
  const { config, store, clock } = deps;
  const limiter = createRateLimiter({
    limit: config.rateLimit.checkout,
    windowMs: config.rateLimit.windowMs,
    clock: () => clock().getTime(),
  });
  const credentials = { memberId: config.memberId, key: config.key };
  const allowedBankCodes = config.methods.map((m) => m.code);
  const firstQuery = config.reconcileSchedule[0];

  return new Hono<SignerEnv>().post('/', async (c) => {
    enforceRateLimit(limiter, clientAddress(c, config.trustedProxyHeader));
    const idempotencyKey = c.req.header('idempotency-key');
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new HttpError('INVALID_REQUEST', 'Idempotency-Key must be 1 to 128 printable ASCII characters');
    }
    const input = parseCheckoutInput(await readFields(c, config.bodyLimitBytes), config);
    const createdAt = clock();
    const orderId = deps.newOrderId(createdAt);
    const request = createPaymentRequest(
      {
        paymentUrl: config.paymentUrl,
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
      credentials,
      { dialect: config.signDialect },
    );
    const result = await store.createOrder({
      orderId,
      memberId: config.memberId,
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
    if (!result.created) setResponseHeader(c, 'Idempotent-Replayed', 'true');
    setResponseHeader(c, 'Cache-Control', 'no-store');
    return c.json(
      {
        orderId: id,
        action: config.paymentUrl,
        method: 'POST' as const,
        fields: result.requestFields,
        statusUrl: `${config.publicUrl}/api/orders/${id}`,
      },
      201,
    );
  });
}
