/**
 * @module define: registers `<pay-button>`. Guarded, so a page that loads the script twice (or two bundles that
 * both include it) does not throw.
 */
import { PayButton } from './pay-button.ts';

/**
 * Defines `<pay-button>` unless a `pay-button` element is already defined (by this or another copy).
 *
 * @example
 * import { definePayButton } from '@jupay/pay-button';
 * definePayButton(); // already done by the import; harmless again
 */
export function definePayButton(): void {
  if (!customElements.get('pay-button')) customElements.define('pay-button', PayButton);
}

definePayButton();

export { PayButton };

declare global {
  interface HTMLElementTagNameMap {
    'pay-button': PayButton;
  }
}
