/**
 * @module signer-internals
 * What the demo takes from `@jupay/signer` for the merchant's side: the webhook verifier (from the package entry)
 * and the widget snippet helper, which the package entry does not export yet and is imported by relative path in
 * this one file, so exporting it later is a one-line change here.
 */
export {
  signWebhook,
  verifyWebhook,
  WebhookVerificationError,
  SIGNATURE_HEADER,
  EVENT_ID_HEADER,
  type WebhookEvent,
} from '@jupay/signer';
export { widgetSnippet, type WidgetSnippet } from '../../signer/src/widget/index.ts';
