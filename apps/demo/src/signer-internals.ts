/**
 * @module signer-internals
 * Pieces of `@jupay/signer` the demo needs that its package entry does not export (yet): the webhook verifier a
 * merchant uses and the widget snippet helper. Imported
 * by relative path from the workspace, in this one file, so the day they are exported it is a one-file change.
 */
export {
  signWebhook,
  verifyWebhook,
  WebhookVerificationError,
  SIGNATURE_HEADER,
  EVENT_ID_HEADER,
  type WebhookEvent,
} from '../../signer/src/webhook/signature.ts';
export { widgetSnippet, type WidgetSnippet } from '../../signer/src/widget/index.ts';
