/**
 * @module @jupay/pay-button: the package's main entry. Importing it registers `<pay-button>` (define.ts) and brings
 * the class, its types and helpers (index.ts). To register the class under another name instead, import
 * `@jupay/pay-button/class`, which defines nothing.
 *
 * @example
 * import '@jupay/pay-button';
 * const el = document.createElement('pay-button'); // typed PayButton
 * el.signer = 'https://pay.merchant.com';
 */
export * from './index.ts';
export { definePayButton } from './define.ts';
