/**
 * @module orders/checkout-input
 * Validates what a browser may ask for at checkout. The browser chooses a method and an amount within the
 * merchant's bounds (or a catalogue product whose price is the server's); everything else (order id, dates, URLs,
 * member id) is decided on the server.
 */
import { createHash } from 'node:crypto';
import { formatYuan, parseYuan, ValidationError } from '@jupay/core';
import type { SignerConfig } from '../config/load-config.ts';
import { HttpError } from '../errors.ts';
import { parseShopperLang, type ShopperLang } from '../widget/round-trip.ts';

/** The settings checkout validates against. */
export type CheckoutInputConfig = Pick<
  SignerConfig,
  'methods' | 'products' | 'amount' | 'defaultProductName'
>;

/** A validated checkout request. */
export interface CheckoutInput {
  bankCode: string;
  amountFen: number;
  productName: string;
  attach: string | null;
  /** The catalogue product id, in catalogue mode. */
  productId: string | null;
  /** The shopper's language, carried to the return page and the cancel link (widget/round-trip.ts). */
  lang: ShopperLang | null;
  /**
   * `beacon: "1"`: the client reports posting the form (`POST /api/orders/:id/submitted`), as `<pay-button>` does,
   * so the order is asked about only briefly until it does (reconcile/schedule.ts, `UNSUBMITTED_QUERY_BUDGET`).
   */
  beacon: boolean;
}

/** Field length limits, in characters. */
export const CHECKOUT_LIMITS = {
  bankCode: 16,
  amount: 20,
  productName: 100,
  attach: 255,
  product: 64,
} as const;

const ALLOWED_FIELDS = new Set(['bankCode', 'amount', 'productName', 'attach', 'product', 'lang', 'beacon']);
// C0/C1 control characters: no reason to be in a product name or attach, and they break logs and HTML.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// A UTF-16 surrogate without its other half: JSON may carry one (`"\ud800"`), but it has no UTF-8 form, so it
// cannot be percent-encoded, signed, or stored (PostgreSQL refuses it in jsonb and text).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Checks the fields of `POST /api/checkout` against the configuration; throws `HttpError` with the contract's codes.
 * @example
 * parseCheckoutInput({ bankCode: '903', amount: '12.30' }, config); // { bankCode: '903', amountFen: 1230, ... }
 */
export function parseCheckoutInput(
  fields: Record<string, string>,
  config: CheckoutInputConfig,
): CheckoutInput {
  for (const name of Object.keys(fields)) {
    if (!ALLOWED_FIELDS.has(name))
      throw new HttpError('INVALID_REQUEST', `unknown field ${name.slice(0, 40)}`);
  }
  for (const [name, value] of Object.entries(fields)) {
    if (LONE_SURROGATE.test(value)) {
      throw new HttpError('INVALID_REQUEST', `${name} is not valid text (a lone UTF-16 surrogate)`);
    }
  }
  for (const [name, max] of Object.entries(CHECKOUT_LIMITS)) {
    const value = fields[name];
    if (value !== undefined && value.length > max) {
      throw new HttpError('FIELD_TOO_LONG', `${name} is longer than ${max} characters`);
    }
  }

  const bankCode = fields.bankCode;
  if (bankCode === undefined || bankCode === '')
    throw new HttpError('INVALID_REQUEST', 'bankCode is required');
  if (!config.methods.some((m) => m.code === bankCode)) {
    throw new HttpError('BANK_CODE_NOT_OFFERED', `bankCode ${bankCode.replace(CONTROL, '?')} is not offered`);
  }

  const attach = optionalText(fields, 'attach');
  const lang = parseShopperLang(fields.lang);
  if (fields.beacon !== undefined && fields.beacon !== '1') {
    throw new HttpError('INVALID_REQUEST', 'beacon must be "1" (or left out)');
  }
  const beacon = fields.beacon === '1';

  if (config.products !== null) {
    if (fields.amount !== undefined || fields.productName !== undefined) {
      throw new HttpError(
        'INVALID_REQUEST',
        'this signer sells catalogue products: send product, not amount or productName',
      );
    }
    const id = fields.product;
    if (id === undefined || id === '') throw new HttpError('INVALID_REQUEST', 'product is required');
    const product = config.products.find((p) => p.id === id);
    if (!product)
      throw new HttpError('UNKNOWN_PRODUCT', `product ${id.replace(CONTROL, '?')} is not sold here`);
    return {
      bankCode,
      amountFen: product.amountFen,
      productName: product.name,
      attach,
      productId: product.id,
      lang,
      beacon,
    };
  }

  if (fields.product !== undefined) {
    throw new HttpError('UNKNOWN_PRODUCT', 'this signer has no product catalogue: send amount');
  }
  const amount = fields.amount;
  if (amount === undefined || amount === '') throw new HttpError('INVALID_REQUEST', 'amount is required');
  let amountFen: number;
  try {
    amountFen = parseYuan(amount, 'amount');
  } catch (error) {
    if (error instanceof ValidationError) {
      throw new HttpError('INVALID_AMOUNT', 'amount must be yuan with at most two decimals, e.g. "12.30"');
    }
    throw error;
  }
  const { minFen, maxFen } = config.amount;
  if (amountFen < minFen || amountFen > maxFen) {
    throw new HttpError(
      'AMOUNT_OUT_OF_RANGE',
      `amount must be between ${formatYuan(minFen)} and ${formatYuan(maxFen)} yuan`,
    );
  }
  const productName = optionalText(fields, 'productName') ?? config.defaultProductName;
  return { bankCode, amountFen, productName, attach, productId: null, lang, beacon };
}

function optionalText(fields: Record<string, string>, name: 'attach' | 'productName'): string | null {
  const value = fields[name];
  if (value === undefined || value === '') return null;
  if (CONTROL.test(value)) throw new HttpError('INVALID_REQUEST', `${name} contains control characters`);
  if (name === 'productName' && value.trim() === '') return null;
  return value;
}

/**
 * A digest of the validated request, stored with an `Idempotency-Key`: the same key with another body is refused.
 * `lang` and `beacon` are left out: they change where the shopper lands and how the order is reconciled, not what
 * is paid, and a retry of one attempt sends the same ones anyway.
 * @example
 * checkoutBodyHash(input); // 'c0ffee...'
 */
export function checkoutBodyHash(input: CheckoutInput): string {
  return createHash('sha256')
    .update(
      JSON.stringify([input.bankCode, input.amountFen, input.productName, input.attach, input.productId]),
    )
    .digest('hex');
}
