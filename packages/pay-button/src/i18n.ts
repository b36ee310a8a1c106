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
  pay: 'Pay',
  busy: 'Processing…',
  retry: 'Retry',
  refresh: 'Check again',
  paid: 'Payment received',
  pending: 'Confirming the payment…',
  unpaid: 'This order is not paid.',
  again: 'Pay again',
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
    TIMEOUT: 'The payment service timed out.',
    RATE_LIMITED: 'Too many attempts; retry shortly.',
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
  pay: '支付',
  busy: '处理中…',
  retry: '重试',
  refresh: '再次查询',
  paid: '支付成功',
  pending: '正在确认支付…',
  unpaid: '订单未支付。',
  again: '重新支付',
  order: '订单号',
  paidAt: '支付时间',
  empty: '请输入金额。',
  nan: '请输入数字，如 12.34。',
  decimals: '最多两位小数。',
  min: '最低金额为 ',
  max: '最高金额为 ',
  end: '。',
  error: '无法发起支付',
  errors: {
    NETWORK_ERROR: '无法连接支付服务。',
    TIMEOUT: '支付服务响应超时。',
    RATE_LIMITED: '请求过多，请稍后重试。',
    ORDER_NOT_FOUND: '未找到该订单。',
    config: '支付按钮配置有误',
  },
};

const zhTW: Strings = {
  method: '付款方式',
  amount: '金額（人民幣）',
  pay: '付款',
  busy: '處理中…',
  retry: '重試',
  refresh: '再次查詢',
  paid: '付款成功',
  pending: '正在確認付款…',
  unpaid: '訂單未付款。',
  again: '重新付款',
  order: '訂單編號',
  paidAt: '付款時間',
  empty: '請輸入金額。',
  nan: '請輸入數字，如 12.34。',
  decimals: '最多兩位小數。',
  min: '最低金額為 ',
  max: '最高金額為 ',
  end: '。',
  error: '無法發起付款',
  errors: {
    NETWORK_ERROR: '無法連線至付款服務。',
    TIMEOUT: '付款服務回應逾時。',
    RATE_LIMITED: '請求過多，請稍後再試。',
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

// Codes that mean the page's set-up is wrong: an origin the signer refuses, no signer or gateway, or an amount,
// method or product the signer refuses after the element checked it (so the page's own min, max, bank-codes or
// product disagree with the signer's). One sentence for all, naming the code for the merchant.
const SETUP =
  /^(ORIGIN_NOT_ALLOWED|GATEWAY_NOT_ALLOWED|NO_SIGNER|INVALID_AMOUNT|AMOUNT_OUT_OF_RANGE|BANK_CODE_NOT_OFFERED|UNKNOWN_PRODUCT)$/;

/**
 * The visitor-facing message for an error code: a specific sentence for the codes a visitor can act on, the set-up
 * sentence naming the code for the page's own mistakes, else a general one naming the code (so the merchant can
 * tell what happened from a screenshot).
 *
 * @example
 * errorMessage(strings('en'), 'TIMEOUT'); // 'The payment service timed out.'
 * errorMessage(strings('en'), 'INTERNAL'); // 'Payment could not start (INTERNAL).'
 */
export function errorMessage(s: Strings, code: string): string {
  const m = SETUP.test(code) ? s.errors.config : s.errors[code];
  return m && m !== s.errors.config ? m : `${m ?? s.error} (${code})${s.end}`;
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
