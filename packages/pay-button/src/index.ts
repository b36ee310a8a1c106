/**
 * @module @jupay/pay-button/class: the `<pay-button>` class, its types and helpers, without registering any tag:
 * for a page that registers the element under a name of its own. (`@jupay/pay-button` registers `<pay-button>`.)
 *
 * @example
 * import { PayButton } from '@jupay/pay-button/class';
 * customElements.define('my-pay-button', class extends PayButton {});
 */
export { PayButton } from './pay-button.ts';
export { styles } from './pay-button.styles.ts';
export type {
  PayErrorDetail,
  PayErrorEvent,
  PayRequestDetail,
  PayRequestEvent,
  PayStatusDetail,
  PayStatusEvent,
  PaySubmitDetail,
  PaySubmitEvent,
} from './events.ts';
export { fenToYuan, formatAmount, parseAmount, type AmountProblem } from './amount.ts';
export { buildPaymentForm, originOf } from './form.ts';
export {
  SignerClient,
  SignerError,
  type Checkout,
  type CheckoutBody,
  type MethodInfo,
  type Order,
  type OrderStatus,
  type SignerConfig,
} from './signer-client.ts';
