/**
 * @module pages
 * The gateway's HTML pages: cashier (收银台), cancelled, paid, and the page return to `pay_callbackurl`. Plain HTML
 * forms that work without JavaScript, zh-CN with English subtitles. The one script (the auto-submit of the page
 * return) is an external file so that no inline script is needed.
 *
 * Values that come from the merchant's request are stored as the gateway's input filter left them
 * (`htmlspecialchars` applied, see input-filter.ts), so they are already safe HTML and are inserted as they are,
 * exactly as the PHP server inserts them: escaping them again would show `&amp;` to the payer. Everything else goes
 * through {@link escapeHtml}.
 */
import type { BankCodeInfo, Fields } from '@jupay/core';
import { htmlspecialchars } from './input-filter.ts';
import type { Order } from './orders.ts';

/**
 * The path of the auto-submit script.
 *
 * @example
 * `<script src="${AUTO_SUBMIT_PATH}"></script>`;
 */
export const AUTO_SUBMIT_PATH = '/__sim/auto-submit.js';

/**
 * The auto-submit script: submits the page-return form once the page is parsed.
 *
 * @example
 * c.body(AUTO_SUBMIT_SCRIPT, 200, { 'Content-Type': 'text/javascript; charset=utf-8' });
 */
export const AUTO_SUBMIT_SCRIPT = `// jupay gateway-sim: submits the page-return form (a visible button does it without JavaScript).
(function () {
  var form = document.getElementById('jupay-return');
  if (form) HTMLFormElement.prototype.submit.call(form);
})();
`;

/**
 * Escapes text for HTML content and quoted attributes.
 *
 * @example
 * escapeHtml('<a href="x">'); // '&lt;a href=&quot;x&quot;&gt;'
 */
export const escapeHtml = htmlspecialchars;

const STYLE = `body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;color:#1f2328}
h1{font-size:1.4rem;margin-bottom:0}.en{color:#59636e;font-size:.85em;display:block}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.4rem 1rem}dt{font-weight:600}dd{margin:0;word-break:break-all}
.amount{font-size:1.6rem;font-weight:700}.qr{display:block;margin:1rem auto;width:180px;height:180px}
form{display:inline}button{font-size:1rem;padding:.6rem 1.2rem;margin:.5rem .5rem 0 0;cursor:pointer}
.pay{background:#1677ff;color:#fff;border:0;border-radius:4px}.cancel{background:#fff;border:1px solid #8c959f;border-radius:4px}
.note{color:#59636e;font-size:.85rem}`;

/**
 * Wraps a page body in the shared document.
 *
 * @example
 * layout('支付已取消', 'Payment cancelled', '<p>…</p>');
 */
export function layout(title: string, titleEn: string, body: string, head = ''): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · ${escapeHtml(titleEn)}</title>
<style>${STYLE}</style>${head}
</head>
<body>
${body}
</body>
</html>
`;
}

function qrPlaceholder(seed: string): string {
  // A deterministic QR-looking pattern: there is no real channel to scan.
  let state = 2166136261;
  for (const ch of seed) state = Math.imul(state ^ ch.charCodeAt(0), 16777619) >>> 0;
  const size = 21;
  let cells = '';
  const finder = (x: number, y: number) =>
    (x < 7 && y < 7) || (x >= size - 7 && y < 7) || (x < 7 && y >= size - 7);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let on: boolean;
      if (finder(x, y)) {
        const fx = x >= size - 7 ? x - (size - 7) : x;
        const fy = y >= size - 7 ? y - (size - 7) : y;
        on = fx === 0 || fx === 6 || fy === 0 || fy === 6 || (fx >= 2 && fx <= 4 && fy >= 2 && fy <= 4);
      } else {
        state = (Math.imul(state, 1103515245) + 12345) >>> 0;
        on = (state >>> 16) % 2 === 0;
      }
      if (on) cells += `<rect x="${x}" y="${y}" width="1" height="1"/>`;
    }
  }
  return `<svg class="qr" viewBox="-1 -1 23 23" role="img" aria-label="二维码占位 QR code placeholder" xmlns="http://www.w3.org/2000/svg"><rect x="-1" y="-1" width="23" height="23" fill="#fff"/><g fill="#000">${cells}</g></svg>`;
}

/** What the cashier page shows. */
export interface CashierView {
  order: Order;
  merchantName: string;
  method: BankCodeInfo | undefined;
  payAction: string;
  cancelAction: string;
}

/**
 * The cashier page (收银台): merchant, order id, amount as signed, method, a QR placeholder, pay and cancel.
 *
 * @example
 * cashierPage({ order, merchantName: 'Shop', method, payAction: '/__sim/cashier/1/pay', cancelAction: '…' });
 */
export function cashierPage(view: CashierView): string {
  const { order, method } = view;
  const methodText = method
    ? `${escapeHtml(method.zh)} <span class="en">${escapeHtml(method.en)}</span>`
    : `${order.bankCode} <span class="en">Payment method ${order.bankCode}</span>`;
  return layout(
    '收银台',
    'Checkout',
    `<main>
<h1>收银台 <span class="en">Checkout</span></h1>
<p class="note">jupay gateway-sim: 模拟网关，不会产生真实扣款。<span class="en">Simulated gateway: no real money moves.</span></p>
<dl>
<dt>商户 <span class="en">Merchant</span></dt><dd>${escapeHtml(view.merchantName)} (${order.memberId})</dd>
<dt>订单号 <span class="en">Order ID</span></dt><dd id="order-id">${order.orderId}</dd>
<dt>商品 <span class="en">Product</span></dt><dd>${order.productName}</dd>
<dt>支付方式 <span class="en">Method</span></dt><dd>${methodText}</dd>
<dt>金额 <span class="en">Amount</span></dt><dd class="amount" id="amount">¥${order.amount}</dd>
</dl>
${qrPlaceholder(order.transactionId)}
<p class="note">请扫码或点击"确认支付"。<span class="en">Scan the code, or press "Pay" to simulate a successful payment.</span></p>
<form method="post" action="${escapeHtml(view.payAction)}"><button type="submit" class="pay">确认支付 <span class="en">Pay</span></button></form>
<form method="post" action="${escapeHtml(view.cancelAction)}"><button type="submit" class="cancel">取消支付 <span class="en">Cancel</span></button></form>
</main>`,
  );
}

/**
 * The page return: a form to `pay_callbackurl` with the signed result fields, submitted by the external script,
 * with a visible button for browsers without JavaScript. Like the server's `setHtml`, the stored (already escaped)
 * values go into the attributes as they are.
 *
 * @example
 * returnPage('https://shop.example/return', resultFields(order, key, behaviour, new Date()));
 */
export function returnPage(callbackUrl: string, fields: Fields): string {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${value}">`)
    .join('\n');
  return layout(
    '支付成功',
    'Payment successful',
    `<main>
<h1>支付成功 <span class="en">Payment successful</span></h1>
<p>正在返回商户网站… <span class="en">Returning to the merchant…</span></p>
<form id="jupay-return" method="post" action="${callbackUrl}">
${inputs}
<button type="submit" class="pay">返回商户 <span class="en">Return to the merchant</span></button>
</form>
</main>
<script src="${AUTO_SUBMIT_PATH}"></script>`,
  );
}

/**
 * Shown after paying when the merchant gave no `pay_callbackurl`.
 *
 * @example
 * paidPage(order);
 */
export function paidPage(order: Order): string {
  return layout(
    '支付成功',
    'Payment successful',
    `<main>
<h1>支付成功 <span class="en">Payment successful</span></h1>
<p>订单 <span id="order-id">${order.orderId}</span> 已支付 ¥${order.amount}。<span class="en">The order is paid.</span></p>
</main>`,
  );
}

/**
 * Shown after cancelling when the merchant gave no `pay_producturl`.
 *
 * @example
 * cancelledPage(order);
 */
export function cancelledPage(order: Order): string {
  return layout(
    '支付已取消',
    'Payment cancelled',
    `<main>
<h1>支付已取消 <span class="en">Payment cancelled</span></h1>
<p>订单 <span id="order-id">${order.orderId}</span> 未支付。<span class="en">The order was not paid. You can close this page.</span></p>
</main>`,
  );
}

/**
 * A plain HTML page for an unknown cashier link.
 *
 * @example
 * messagePage('订单不存在', 'Order not found');
 */
export function messagePage(zh: string, en: string): string {
  return layout(zh, en, `<main><h1>${escapeHtml(zh)} <span class="en">${escapeHtml(en)}</span></h1></main>`);
}
