/**
 * @module bank-codes
 * The bank codes (银行编码) of the merchant document. Operators add and change codes at any time
 * (docs/protocol.md#bank-codes), so this is data a caller extends, not an enum.
 */

export interface BankCodeInfo {
  /** Numeric code as a string, e.g. `"903"`. */
  code: string;
  /** The Chinese name the gateway shows. */
  zh: string;
  /** An English name for English pages. */
  en: string;
}

/**
 * The codes 901-910 of the merchant document (there is no 906).
 *
 * @example
 * BANK_CODES.find((b) => b.code === '903')?.zh; // '支付宝扫码支付'
 */
export const BANK_CODES: readonly BankCodeInfo[] = Object.freeze([
  { code: '901', zh: '微信公众号', en: 'WeChat Official Account' },
  { code: '902', zh: '微信扫码支付', en: 'WeChat Pay QR code' },
  { code: '903', zh: '支付宝扫码支付', en: 'Alipay QR code' },
  { code: '904', zh: '支付宝手机', en: 'Alipay mobile' },
  { code: '905', zh: 'QQ 手机支付', en: 'QQ Wallet mobile' },
  { code: '907', zh: '网银支付', en: 'Online banking' },
  { code: '908', zh: 'QQ 扫码支付', en: 'QQ Wallet QR code' },
  { code: '909', zh: '百度钱包', en: 'Baidu Wallet' },
  { code: '910', zh: '京东支付', en: 'JD Pay' },
]);

/**
 * Looks a code up in `extra` first (the operator's own codes win), then in {@link BANK_CODES}.
 *
 * @example
 * bankCodeInfo('911', [{ code: '911', zh: '云闪付', en: 'UnionPay QuickPass' }])?.en; // 'UnionPay QuickPass'
 */
export function bankCodeInfo(code: string, extra: readonly BankCodeInfo[] = []): BankCodeInfo | undefined {
  return extra.find((b) => b.code === code) ?? BANK_CODES.find((b) => b.code === code);
}
