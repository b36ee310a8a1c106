/**
 * @module pages
 * The demo merchant's HTML: a small top-up shop, its return page and the webhook log, in zh-CN (default) and
 * English (`?lang=en`). Each page carries the widget exactly as a merchant pastes it: one versioned, SRI-pinned
 * `<script type="module">` from the signer and one `<pay-button>`. No inline script or style anywhere, so the
 * pages run under a strict Content-Security-Policy.
 */
import type { WidgetSnippet } from '@jupay/signer';
import type { ReceivedEvent } from './webhook-log.ts';

/**
 * The shopper's member id in this demo shop. A real shop puts its own reference (member, cart) in `attach`: the
 * gateway hands it back, and it arrives in the `order.paid` webhook next to the order.
 */
export const DEMO_MEMBER = 'member-1024';

/** The languages of the demo pages. */
export type Lang = 'zh-CN' | 'en';

/**
 * Escapes text for HTML content and quoted attributes.
 *
 * @example
 * escapeHtml('<b>"x"</b>'); // '&lt;b&gt;&quot;x&quot;&lt;/b&gt;'
 */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const T = {
  'zh-CN': {
    shop: '星河小铺',
    tagline: '游戏点卡 · 会员充值',
    title: '账户充值',
    product: '星河币充值',
    productName: '星河币充值',
    intro: '1 元 = 10 星河币，支付成功后立即到账。支持微信、支付宝和网银。',
    perks: ['即时到账，无需等待', '7×24 小时客服', '支付由 jupay 安全签名，密钥从不离开商户服务器'],
    switchTo: 'English',
    returnTitle: '支付结果',
    back: '返回商店',
    demoNote: '演示站点：使用本地模拟网关，不会产生真实扣款。',
    events: 'Webhook 记录',
    notBuilt: '支付组件尚未构建：请运行 pnpm --filter @jupay/pay-button build，然后刷新本页。',
    eventsIntro: '商户服务器收到并验签通过的 order.paid 事件（最新在前）。',
    none: '暂无事件。',
    cols: ['收到时间', '事件 ID', '订单号', '附加数据', '金额', '网关流水号', '来源', '重复'],
  },
  en: {
    shop: 'Xinghe Shop',
    tagline: 'Game cards · Membership top-ups',
    title: 'Top up your account',
    product: 'Xinghe coin top-up',
    productName: 'Xinghe coin top-up',
    intro:
      '¥1 = 10 Xinghe coins, credited as soon as the payment succeeds. WeChat, Alipay and online banking.',
    perks: [
      'Credited instantly',
      'Support around the clock',
      'Signed by jupay: the key never leaves the shop server',
    ],
    switchTo: '中文',
    returnTitle: 'Payment result',
    back: 'Back to the shop',
    demoNote: 'Demo site: a local simulated gateway, no real money moves.',
    events: 'Webhook log',
    notBuilt: 'The payment widget is not built yet: run pnpm --filter @jupay/pay-button build, then reload.',
    eventsIntro: 'order.paid events the shop server received and verified (newest first).',
    none: 'No events yet.',
    cols: ['Received', 'Event id', 'Order', 'Attach', 'Amount', 'Gateway transaction', 'Via', 'Duplicate'],
  },
} as const;

function langLink(path: string, lang: Lang, params: Record<string, string> = {}): string {
  const query = new URLSearchParams(params);
  if (lang === 'en') query.set('lang', 'en');
  const text = query.toString();
  return escapeHtml(text ? `${path}?${text}` : path);
}

function layout(options: {
  lang: Lang;
  /** The dark variant of the shop (`?theme=dark`). */
  dark?: boolean;
  title: string;
  path: string;
  params?: Record<string, string>;
  snippet?: WidgetSnippet | null;
  body: string;
}): string {
  const t = T[options.lang];
  const other: Lang = options.lang === 'en' ? 'zh-CN' : 'en';
  const script = options.snippet
    ? `\n<script type="module" src="${escapeHtml(options.snippet.src)}" integrity="${escapeHtml(options.snippet.integrity)}" crossorigin="anonymous"></script>`
    : '';
  return `<!doctype html>
<html lang="${options.lang}"${options.dark ? ' class="dark"' : ''}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)} · ${escapeHtml(t.shop)}</title>
<link rel="icon" href="/assets/logo.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/shop.css">${script}
</head>
<body>
<header class="site-header">
  <a class="brand" href="${langLink('/', options.lang)}"><img src="/assets/logo.svg" alt="" width="32" height="32"><span>${escapeHtml(t.shop)}</span></a>
  <span class="tagline">${escapeHtml(t.tagline)}</span>
  <a class="lang-switch" href="${langLink(options.path, other, options.params)}" hreflang="${other}" lang="${other}">${escapeHtml(t.switchTo)}</a>
</header>
<main>
${options.body}
</main>
<footer class="site-footer">
  <p>${escapeHtml(t.demoNote)} <a href="${langLink('/events', options.lang)}">${escapeHtml(t.events)}</a></p>
</footer>
</body>
</html>
`;
}

/** What the shop and return pages need. */
export interface PageContext {
  lang: Lang;
  /** The signer's public URL, the `signer` attribute. */
  signerUrl: string;
  /** null when the bundle is not built: the page says how to build it. */
  snippet: WidgetSnippet | null;
  /** The shop in dark colours with `<pay-button theme="dark">` (`?theme=dark`): how a dark page uses the element. */
  dark?: boolean;
}

function notBuilt(ctx: PageContext): string {
  return ctx.snippet ? '' : `<p class="notice" role="alert">${escapeHtml(T[ctx.lang].notBuilt)}</p>`;
}

/**
 * The shop: one top-up card with the `<pay-button>`, in the light theme that fits the page (or the dark one on the
 * dark variant).
 *
 * @example
 * shopPage({ lang: 'zh-CN', signerUrl: 'http://127.0.0.1:4200', snippet });
 */
export function shopPage(ctx: PageContext): string {
  const t = T[ctx.lang];
  return layout({
    lang: ctx.lang,
    dark: ctx.dark ?? false,
    title: t.title,
    path: '/',
    snippet: ctx.snippet,
    body: `<h1>${escapeHtml(t.title)}</h1>
<article class="card product">
  <img class="product-art" src="/assets/coins.svg" alt="" width="160" height="160">
  <div class="product-body">
    <h2>${escapeHtml(t.product)}</h2>
    <p class="intro">${escapeHtml(t.intro)}</p>
    <ul class="perks">${t.perks.map((p) => `<li>${escapeHtml(p)}</li>`).join('')}</ul>
    ${notBuilt(ctx)}
    <pay-button theme="${ctx.dark ? 'dark' : 'light'}" signer="${escapeHtml(ctx.signerUrl)}" product-name="${escapeHtml(t.productName)}" attach="${DEMO_MEMBER}"></pay-button>
  </div>
</article>`,
  });
}

/**
 * The return page: the element reads `?orderId=` (and the shopper's `?lang=`) itself and shows one message: the
 * receipt, "not paid" with the way back to the shop, or that there is no such order. The page adds nothing that
 * could contradict it.
 *
 * @example
 * returnPage({ lang: 'en', signerUrl, snippet }, 'E2024...');
 */
export function returnPage(ctx: PageContext, orderId: string | null): string {
  const t = T[ctx.lang];
  // Kept for the language switch only when it is an order id at all; the element reads the URL itself.
  const valid = orderId !== null && /^[A-Za-z0-9]{1,32}$/.test(orderId);
  return layout({
    lang: ctx.lang,
    title: t.returnTitle,
    path: '/return',
    params: valid ? { orderId } : {},
    snippet: ctx.snippet,
    body: `<h1>${escapeHtml(t.returnTitle)}</h1>
<article class="card result">
  ${notBuilt(ctx)}
  <pay-button theme="light" signer="${escapeHtml(ctx.signerUrl)}" order-id-param="orderId" shop-url="${langLink('/', ctx.lang)}"></pay-button>
  <p><a class="button-link" href="${langLink('/', ctx.lang)}">${escapeHtml(t.back)}</a></p>
</article>`,
  });
}

/**
 * The webhook log as a table.
 *
 * @example
 * eventsPage('zh-CN', log.events());
 */
export function eventsPage(lang: Lang, events: readonly ReceivedEvent[]): string {
  const t = T[lang];
  const rows = [...events]
    .reverse()
    .map(
      (e) =>
        `<tr><td>${escapeHtml(e.receivedAt)}</td><td><code>${escapeHtml(e.eventId)}</code></td><td><code>${escapeHtml(e.orderId)}</code></td><td>${escapeHtml(e.attach ?? '')}</td><td>¥${escapeHtml(e.amount)}</td><td><code>${escapeHtml(e.transactionId)}</code></td><td>${escapeHtml(e.paidVia)}</td><td>${e.duplicate ? '✓' : ''}</td></tr>`,
    )
    .join('\n');
  return layout({
    lang,
    title: t.events,
    path: '/events',
    body: `<h1>${escapeHtml(t.events)}</h1>
<p>${escapeHtml(t.eventsIntro)} <a href="/webhook">JSON</a></p>
${
  events.length === 0
    ? `<p class="notice">${escapeHtml(t.none)}</p>`
    : `<div class="table-wrap"><table><thead><tr>${t.cols.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead><tbody>
${rows}
</tbody></table></div>`
}`,
  });
}
