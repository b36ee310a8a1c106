/**
 * @module i18n: the element's words in zh-CN and en, the error messages per code, and how the
 * language is picked (the element's `lang`, then the nearest ancestor's across shadow roots, then the page's).
 */

/**
 * The languages the element speaks.
 *
 * @example
 * const lang: Lang = pickLang(el);
 */
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
  error: 'Payment could not start',
  errors: {
    NETWORK_ERROR: 'Could not reach the payment service.',
    TIMEOUT: 'The payment service did not answer in time.',
    RATE_LIMITED: 'Too many attempts; wait a moment and retry.',
    INVALID_AMOUNT: 'This amount is not accepted.',
    BANK_CODE_NOT_OFFERED: 'This payment method is not available.',
    UNKNOWN_PRODUCT: 'This product is not available.',
    ORDER_NOT_FOUND: 'Order not found.',
    config: 'This payment button is not set up correctly',
  } as Record<string, string>,
};

/**
 * The shape of one language's strings.
 *
 * @example
 * const s: Strings = strings('en');
 */
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
  error: '无法发起支付',
  errors: {
    NETWORK_ERROR: '无法连接支付服务。',
    TIMEOUT: '支付服务响应超时。',
    RATE_LIMITED: '操作过于频繁，请稍后重试。',
    INVALID_AMOUNT: '该金额不被接受。',
    BANK_CODE_NOT_OFFERED: '该支付方式不可用。',
    UNKNOWN_PRODUCT: '该商品不存在。',
    ORDER_NOT_FOUND: '未找到该订单。',
    config: '支付按钮配置有误',
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

// Codes that share a message: one visitor-facing sentence is enough for each family (the code is in pay-error).
const ALIAS: Record<string, string> = {
  AMOUNT_OUT_OF_RANGE: 'INVALID_AMOUNT',
  ORIGIN_NOT_ALLOWED: 'config',
  GATEWAY_NOT_ALLOWED: 'config',
  NO_SIGNER: 'config',
};

/**
 * The visitor-facing message for an error code: a specific sentence for the codes a visitor can act on, else a
 * general one naming the code (so the merchant can tell what happened from a screenshot).
 *
 * @example
 * errorMessage(strings('en'), 'TIMEOUT'); // 'The payment service did not answer in time.'
 * errorMessage(strings('en'), 'INTERNAL'); // 'Payment could not start (INTERNAL).'
 */
export function errorMessage(s: Strings, code: string): string {
  const key = ALIAS[code] ?? code;
  const m = s.errors[key];
  return m && key !== 'config' ? m : `${m ?? s.error} (${code})${s.end}`;
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
