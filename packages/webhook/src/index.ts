/**
 * @module @jupay/webhook
 * Verify (and sign) jupay webhooks: HMAC-SHA256 with a timestamp, no I/O, the same on every JavaScript runtime.
 */
export { signWebhook, type SignWebhookOptions } from './sign-webhook.ts';
export { verifyWebhook, type VerifyWebhookOptions } from './verify-webhook.ts';
export {
  ORDER_PAID,
  parseWebhookEvent,
  type OrderPaidData,
  type OrderPaidEvent,
  type WebhookEvent,
  type WebhookEventType,
} from './event.ts';
export {
  WebhookArgumentError,
  WebhookVerificationError,
  type WebhookArgumentCode,
  type WebhookErrorCode,
} from './errors.ts';
export {
  DEFAULT_TOLERANCE_SECONDS,
  DELIVERY_ATTEMPT_HEADER,
  EVENT_ID_HEADER,
  SIGNATURE_HEADER,
} from './headers.ts';
export { formatSignatureHeader, parseSignatureHeader, type SignatureHeader } from './signature-header.ts';
export { webhookMac } from './mac.ts';
export type { RawBody } from './raw-body.ts';
