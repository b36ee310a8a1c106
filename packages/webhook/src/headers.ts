/**
 * @module headers
 * The HTTP headers of a webhook request and the default clock tolerance: the names the sender writes and every
 * receiver reads, in one place so the two cannot drift apart.
 */

/**
 * The header carrying `t=<unix seconds>,v1=<hex>`. HTTP header names are case-insensitive: Node lower-cases them
 * (`req.headers['jupay-signature']`), `Headers.get()` accepts either case.
 *
 * @example
 * request.headers.get(SIGNATURE_HEADER); // 't=1709265606,v1=c240...'
 */
export const SIGNATURE_HEADER = 'Jupay-Signature';

/**
 * The header carrying the event id, the same as the body's `id`: the receiver's dedupe key, because delivery is
 * at-least-once.
 *
 * @example
 * request.headers.get(EVENT_ID_HEADER); // '5f0c3b7e-2a41-4d8e-9c1b-7e2f4a6d8b90'
 */
export const EVENT_ID_HEADER = 'Jupay-Event-Id';

/**
 * The header carrying the attempt number of this delivery, 1 for the first. Informational: not signed.
 *
 * @example
 * Number(request.headers.get(DELIVERY_ATTEMPT_HEADER)); // 1
 */
export const DELIVERY_ATTEMPT_HEADER = 'Jupay-Delivery-Attempt';

/**
 * How far, in seconds and either way, a signed timestamp may be from the receiver's clock by default.
 *
 * @example
 * verifyWebhook(body, header, secret, { toleranceSeconds: DEFAULT_TOLERANCE_SECONDS });
 */
export const DEFAULT_TOLERANCE_SECONDS = 300;
