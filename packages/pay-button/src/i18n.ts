/**
 * @module i18n: the element's words in zh-CN and en, the built-in names of the usual bank codes, and how the
 * language is picked (the element's `lang`, then the nearest ancestor's across shadow roots, then the page's).
 */

/** The languages the element speaks. */
export type Lang = 'zh-CN' | 'en';

const en = {
  method: 'Payment method',
  amount: 'Amount (CNY)',
  presets: 'Preset amounts',
  pay: 'Pay',
  busy: 'Processing…',
  retry: 'Retry',
  refresh: 'Refresh',
  paid: 'Payment received.',
  pending: 'Waiting for payment confirmation…',
  stale: 'Payment not confirmed yet.',
  empty: 'Enter an amount.',
  nan: 'Enter a number, such as 12.34.',
  decimals: 'Use at most two decimals.',
  min: 'The minimum is ',
  max: 'The maximum is ',
  end: '.',
  noMethod: 'Choose a payment method.',
  error: 'Payment failed.',
  errors: {
    NETWORK_ERROR: 'Could not reach the payment service.',
    TIMEOUT: 'The payment service did not answer in time.',
    BAD_RESPONSE: 'The payment service sent an unexpected answer.',
    GATEWAY_NOT_ALLOWED: 'The payment page is not the configured gateway.',
    NO_SIGNER: 'No payment service is configured.',
    INVALID_REQUEST: 'The payment request was refused.',
    INVALID_AMOUNT: 'The amount is not valid.',
    AMOUNT_OUT_OF_RANGE: 'The amount is outside the allowed range.',
    BANK_CODE_NOT_OFFERED: 'This payment method is not available.',
    UNKNOWN_PRODUCT: 'This product is not available.',
    FIELD_TOO_LONG: 'A field is too long.',
    ORIGIN_NOT_ALLOWED: 'This site may not use the payment service.',
    ORDER_NOT_FOUND: 'Order not found.',
    PAYLOAD_TOO_LARGE: 'The request is too large.',
    UNSUPPORTED_MEDIA_TYPE: 'The request format was refused.',
    IDEMPOTENCY_KEY_REUSED: 'The payment details changed; please retry.',
    RATE_LIMITED: 'Too many attempts; wait a moment and retry.',
    INTERNAL: 'The payment service failed; please retry.',
  } as Record<string, string>,
  banks: {
    901: 'WeChat Official Account',
    902: 'WeChat QR code',
    903: 'Alipay QR code',
    904: 'Alipay mobile',
    905: 'QQ mobile',
    907: 'Online banking',
    908: 'QQ QR code',
    909: 'Baidu Wallet',
    910: 'JD Pay',
  } as Record<string, string>,
};

/** The shape of one language's strings. */
export type Strings = typeof en;

const zh: Strings = {
  method: '支付方式',
  amount: '金额（元）',
  presets: '常用金额',
  pay: '支付',
  busy: '处理中…',
  retry: '重试',
  refresh: '刷新',
  paid: '支付成功。',
  pending: '正在确认支付结果…',
  stale: '暂未确认支付。',
  empty: '请输入金额。',
  nan: '请输入数字，例如 12.34。',
  decimals: '最多两位小数。',
  min: '最低金额为 ',
  max: '最高金额为 ',
  end: '。',
  noMethod: '请选择支付方式。',
  error: '支付失败。',
  errors: {
    NETWORK_ERROR: '无法连接支付服务。',
    TIMEOUT: '支付服务响应超时。',
    BAD_RESPONSE: '支付服务返回了无效的响应。',
    GATEWAY_NOT_ALLOWED: '支付地址与配置的网关不符。',
    NO_SIGNER: '未配置支付服务。',
    INVALID_REQUEST: '支付请求被拒绝。',
    INVALID_AMOUNT: '金额无效。',
    AMOUNT_OUT_OF_RANGE: '金额超出允许范围。',
    BANK_CODE_NOT_OFFERED: '该支付方式不可用。',
    UNKNOWN_PRODUCT: '该商品不存在。',
    FIELD_TOO_LONG: '某个字段过长。',
    ORIGIN_NOT_ALLOWED: '本网站未被允许使用该支付服务。',
    ORDER_NOT_FOUND: '未找到该订单。',
    PAYLOAD_TOO_LARGE: '请求过大。',
    UNSUPPORTED_MEDIA_TYPE: '请求格式不受支持。',
    IDEMPOTENCY_KEY_REUSED: '支付信息已变更，请重试。',
    RATE_LIMITED: '操作过于频繁，请稍后重试。',
    INTERNAL: '支付服务出错，请重试。',
  },
  banks: {
    901: '微信公众号',
    902: '微信扫码支付',
    903: '支付宝扫码支付',
    904: '支付宝手机',
    905: 'QQ 手机支付',
    907: '网银支付',
    908: 'QQ 扫码支付',
    909: '百度钱包',
    910: '京东支付',
  },
};

/**
 * The strings for a language.
 *
 * @example
 * strings('zh-CN').pay; // '支付'
 */
export function strings(lang: Lang): Strings {
  return lang === 'en' ? en : zh;
}

/**
 * Picks the element's language: its own `lang`, the nearest ancestor's (crossing shadow roots), the page's, then
 * the browser's. `own` (the element's `lang` property) wins when set. Anything starting with `zh` is zh-CN; everything else is English.
 *
 * @example
 * pickLang(document.querySelector('pay-button')!); // 'en' on <html lang="en-GB">
 */
export function pickLang(el: Element, own?: string): Lang {
  let node: Element | null = el;
  let lang = own ?? '';
  while (node && !lang) {
    lang = node.getAttribute('lang') ?? '';
    node = node.parentElement ?? ((node.getRootNode() as ShadowRoot).host || null);
  }
  return /^zh/i.test(lang || navigator.language) ? 'zh-CN' : 'en';
}
