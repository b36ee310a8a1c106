/**
 * @module events: the typed events `<pay-button>` fires. All bubble and cross shadow roots (`composed`).
 */
import type { OrderStatus } from './signer-client.ts';

/**
 * `pay-request`: cancelable, fired before the signer is called.
 *
 * @example
 * el.addEventListener('pay-request', (e) => { if (e.detail.amountFen! > 100000) e.preventDefault(); });
 */
export interface PayRequestDetail {
  bankCode: string;
  /** Integer fen; the catalogue price in product mode, or `null` when unknown. */
  amountFen: number | null;
  /** The catalogue product id in product mode, else `null`. */
  product: string | null;
}

/**
 * `pay-submit`: cancelable, fired with the signed form before it is submitted to the gateway.
 *
 * @example
 * el.addEventListener('pay-submit', (e) => analytics.track('checkout', e.detail.orderId));
 */
export interface PaySubmitDetail {
  orderId: string;
  /** The signed `<form>`, not yet in the document. Cancel the event to submit it yourself (or not at all). */
  form: HTMLFormElement;
  statusUrl: string;
}

/**
 * `pay-error`: a failed signer call, a refused gateway, a timeout.
 *
 * @example
 * el.addEventListener('pay-error', (e) => e.detail.retryable || reportProblem(e.detail.code));
 */
export interface PayErrorDetail {
  code: string;
  message: string;
  retryable: boolean;
}

/**
 * `pay-status`: the order's status on the return page, fired when it is first known and when it changes.
 *
 * @example
 * el.addEventListener('pay-status', (e) => e.detail.status === 'PAID' && showReceipt(e.detail.orderId));
 */
export interface PayStatusDetail {
  orderId: string;
  status: OrderStatus;
}

/** Fired before the signer call. @example el.addEventListener('pay-request', (e) => e.preventDefault()); */
export type PayRequestEvent = CustomEvent<PayRequestDetail>;
/** Fired with the signed form. @example el.addEventListener('pay-submit', (e) => console.log(e.detail.orderId)); */
export type PaySubmitEvent = CustomEvent<PaySubmitDetail>;
/** Fired on failure. @example el.addEventListener('pay-error', (e) => log(e.detail.code)); */
export type PayErrorEvent = CustomEvent<PayErrorDetail>;
/** Fired on status. @example el.addEventListener('pay-status', (e) => e.detail.status === 'PAID' && ship()); */
export type PayStatusEvent = CustomEvent<PayStatusDetail>;

/** The element's events by name. */
interface PayButtonEventMap {
  'pay-request': PayRequestEvent;
  'pay-submit': PaySubmitEvent;
  'pay-error': PayErrorEvent;
  'pay-status': PayStatusEvent;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface HTMLElementEventMap extends PayButtonEventMap {}
  // They bubble out of shadow roots up to the document, so a page can listen there too.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface DocumentEventMap extends PayButtonEventMap {}
}

/**
 * Dispatches a bubbling, composed event; returns false when a cancelable one was canceled.
 *
 * @example
 * if (!emit(this, 'pay-request', detail, true)) return;
 */
export function emit<K extends 'pay-request' | 'pay-submit' | 'pay-error' | 'pay-status'>(
  target: EventTarget,
  type: K,
  detail: HTMLElementEventMap[K]['detail'],
  cancelable = false,
): boolean {
  return target.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true, cancelable }));
}
