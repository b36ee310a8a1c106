/**
 * @module @jupay/pay-button: the `<pay-button>` class and its types. Import `@jupay/pay-button/define` to register
 * the tag.
 *
 * @example
 * import { PayButton } from '@jupay/pay-button';
 * customElements.define('my-pay-button', class extends PayButton {});
 */
export { PayButton } from './pay-button.js';
export { styles } from './pay-button.styles.js';
export type {
  PayErrorDetail,
  PayErrorEvent,
  PayRequestDetail,
  PayRequestEvent,
  PayStatusDetail,
  PayStatusEvent,
  PaySubmitDetail,
  PaySubmitEvent,
} from './events.js';
export { fenToYuan, formatAmount, parseAmount, type AmountProblem } from './amount.js';
export { buildPaymentForm, originOf } from './form.js';
export {
  SignerClient,
  SignerError,
  type Checkout,
  type CheckoutBody,
  type MethodInfo,
  type Order,
  type OrderStatus,
  type SignerConfig,
} from './signer-client.js';
