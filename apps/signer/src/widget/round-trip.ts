/**
 * @module widget/round-trip
 * Where the shopper lands after the gateway, in the language they paid in. `<pay-button>` sends that language with
 * the checkout (`lang`); nothing is stored, the URLs the gateway is given carry it:
 * - `pay_callbackurl` (signed) as a path segment, `/api/return/en`: deployed gateways escape `&` in every value
 *   before they verify, so a query string there would break the signature (docs/protocol.md#input-filter);
 * - `pay_producturl` (the cancel/back link, unsigned) as its one query parameter, `?lang=en`: one parameter, so no
 *   `&` for the gateway to escape.
 * `/api/return/:lang` then sends the browser to the merchant's return page with `lang=` next to `orderId`.
 */
import { HttpError } from '../errors.ts';

/** The languages `<pay-button>` speaks, as it names them. */
export const SHOPPER_LANGS = ['zh-CN', 'zh-TW', 'en'] as const;

/**
 * One of {@link SHOPPER_LANGS}.
 *
 * @example
 * const lang: ShopperLang = 'zh-TW';
 */
export type ShopperLang = (typeof SHOPPER_LANGS)[number];

/**
 * Whether a value is one of the shopper languages (exact, case-sensitive: the widget sends them so).
 *
 * @example
 * isShopperLang('en'); // true
 * isShopperLang('EN'); // false
 */
export function isShopperLang(value: unknown): value is ShopperLang {
  return (SHOPPER_LANGS as readonly unknown[]).includes(value);
}

/**
 * The checkout's optional `lang` field: absent or empty is null, anything but a shopper language is refused.
 *
 * @example
 * parseShopperLang('en'); // 'en'
 * parseShopperLang(undefined); // null
 * parseShopperLang('fr'); // throws HttpError INVALID_REQUEST
 */
export function parseShopperLang(value: string | undefined): ShopperLang | null {
  if (value === undefined || value === '') return null;
  if (!isShopperLang(value)) {
    throw new HttpError('INVALID_REQUEST', `lang must be one of ${SHOPPER_LANGS.join(', ')}`);
  }
  return value;
}

/**
 * The signed page-return URL for one order: the configured `/api/return`, with the language as a path segment.
 *
 * @example
 * callbackUrlFor('https://pay.shop.example/api/return', 'en'); // 'https://pay.shop.example/api/return/en'
 * callbackUrlFor('https://pay.shop.example/api/return', null); // 'https://pay.shop.example/api/return'
 */
export function callbackUrlFor(callbackUrl: string, lang: ShopperLang | null): string {
  return lang === null ? callbackUrl : `${callbackUrl}/${lang}`;
}

/**
 * The cancel/back link for one order (`pay_producturl`): the configured page (which has no query string; the
 * configuration refuses one), with `?lang=` when the language is known.
 *
 * @example
 * cancelUrlFor('https://shop.example/', 'en'); // 'https://shop.example/?lang=en'
 */
export function cancelUrlFor(cancelUrl: string, lang: ShopperLang | null): string {
  return lang === null ? cancelUrl : `${cancelUrl}?lang=${lang}`;
}

/**
 * Where `/api/return` sends the browser: always the configured return page, with the verified order id and the
 * language of the return path when it is one of ours (anything else in that segment is ignored, never echoed).
 *
 * @example
 * returnLocation('https://shop.example/thanks', 'E2024', 'en'); // 'https://shop.example/thanks?orderId=E2024&lang=en'
 */
export function returnLocation(returnUrl: string, orderId: string | null, lang: string | undefined): string {
  const target = new URL(returnUrl);
  if (orderId !== null) target.searchParams.set('orderId', orderId);
  if (isShopperLang(lang)) target.searchParams.set('lang', lang);
  return target.href;
}
