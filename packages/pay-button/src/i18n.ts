/**
 * @module i18n: the element's words in zh-CN, zh-TW and en, the error messages per code, and how the language is
 * picked (the element's `lang`, then the nearest ancestor's across shadow roots, then the page's, then the
 * browser's).
 */

/**
 * The languages the element speaks: Simplified Chinese, Traditional Chinese and English.
 *
 * @example
 * const lang: Lang = pickLang(el);
 */
export type Lang = 'zh-CN' | 'zh-TW' | 'en';

const en = {
  method: 'Payment method',
  amount: 'Amount (CNY)',
  presets: 'Preset amounts',
  pay: 'Pay',
  busy: 'Processing…',
  retry: 'Retry',
  refresh: 'Check again',
  paid: 'Payment received',
  pending: 'Waiting for payment confirmation…',
  unpaid: 'This order is not paid.',
  again: 'Pay again',
  noOrder: 'No order to show.',
  total: 'Amount',
  order: 'Order',
  paidAt: 'Paid',
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

const zhCN: Strings = {
  method: '支付方式',
  amount: '金额（元）',
  presets: '常用金额',
  pay: '支付',
  busy: '处理中…',
  retry: '重试',
  refresh: '再次查询',
  paid: '支付成功',
  pending: '正在确认支付结果…',
  unpaid: '该订单尚未支付。',
  again: '重新支付',
  noOrder: '没有可显示的订单。',
  total: '金额',
  order: '订单号',
  paidAt: '支付时间',
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
    ORDER_NOT_FOUND: '未找到该订单。',
    config: '支付按钮配置有误',
  },
};

const zhTW: Strings = {
  method: '付款方式',
  amount: '金額（人民幣）',
  presets: '常用金額',
  pay: '付款',
  busy: '處理中…',
  retry: '重試',
  refresh: '再次查詢',
  paid: '付款成功',
  pending: '正在確認付款結果…',
  unpaid: '此訂單尚未付款。',
  again: '重新付款',
  noOrder: '沒有可顯示的訂單。',
  total: '金額',
  order: '訂單編號',
  paidAt: '付款時間',
  empty: '請輸入金額。',
  nan: '請輸入數字，例如 12.34。',
  decimals: '最多兩位小數。',
  min: '最低金額為 ',
  max: '最高金額為 ',
  end: '。',
  error: '無法發起付款',
  errors: {
    NETWORK_ERROR: '無法連線至付款服務。',
    TIMEOUT: '付款服務回應逾時。',
    RATE_LIMITED: '操作過於頻繁，請稍後再試。',
    INVALID_AMOUNT: '此金額不被接受。',
    ORDER_NOT_FOUND: '找不到此訂單。',
    config: '付款按鈕設定有誤',
  },
};

/**
 * The strings for a language.
 *
 * @example
 * strings('zh-TW').pay; // '付款'
 */
export function strings(lang: Lang): Strings {
  return lang === 'en' ? en : lang === 'zh-TW' ? zhTW : zhCN;
}

// Codes that share a message: one visitor-facing sentence is enough for each family (the code is in pay-error).
// A method or product the signer does not offer is the page's set-up, like a refused origin.
const ALIAS: Record<string, string> = {
  AMOUNT_OUT_OF_RANGE: 'INVALID_AMOUNT',
  BANK_CODE_NOT_OFFERED: 'config',
  UNKNOWN_PRODUCT: 'config',
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
 * Picks the element's language: `own` (the element's `lang` property) when set, else the nearest `lang` attribute
 * up the tree (crossing shadow roots), else the browser's. Traditional Chinese for `zh-TW`, `zh-HK`, `zh-MO` and
 * `zh-Hant*`; Simplified Chinese for any other `zh`; English for everything else.
 *
 * @example
 * pickLang(document.querySelector('pay-button')!); // 'en' on <html lang="en-GB">, 'zh-TW' on <html lang="zh-HK">
 */
export function pickLang(el: Element, own?: string): Lang {
  let node: Element | null = el;
  let lang = own ?? '';
  while (node && !lang) {
    lang = node.getAttribute('lang') ?? '';
    node = node.parentElement ?? ((node.getRootNode() as ShadowRoot).host || null);
  }
  lang ||= navigator.language;
  return /^zh-(tw|hk|mo|hant)/i.test(lang) ? 'zh-TW' : /^zh/i.test(lang) ? 'zh-CN' : 'en';
}
