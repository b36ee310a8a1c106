/**
 * @module admin/pages
 * The console's server-rendered pages (Hono's `html` templates: every interpolated value is escaped, so a product
 * name or a notification body from the network is shown as text). No script anywhere: filters are GET forms,
 * actions are POST forms carrying the session's CSRF token.
 */
import { formatYuan } from '@jupay/core';
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { GatewayAccount } from '../config/gateway-accounts.ts';
import type { GatewayHealth } from '../gateways/health-state.ts';
import type { QueryCounts, QueryKind, QueryStatsSnapshot } from '../reconcile/query-stats.ts';
import type {
  AnomalyEntry,
  GatewayQueryPage,
  NotificationLogEntry,
  OrderRecord,
  OutboxEvent,
} from '../store/order-store.ts';
import type { AnomalyRow, DayTotal } from './admin-queries.ts';
import { chinaTime } from './china-day.ts';
import { messages, type ConsoleLang } from './i18n.ts';

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** A header cell of {@link dataTable}: its text, right-aligned when the column holds numbers. */
type Column = string | { text: string; num: true };

/** A numeric column's header (right-aligned, as its cells). */
function num(text: string): Column {
  return { text, num: true };
}

/** A table in a box of its own that scrolls sideways on a narrow screen, so the page never does. */
function dataTable(columns: readonly Column[], rows: Html | readonly Html[]): Html {
  const headers = columns.map((c) =>
    typeof c === 'string' ? html`<th>${c}</th>` : html`<th class="num">${c.text}</th>`,
  );
  return html`<div class="scroll">
    <table>
      <thead>
        <tr>
          ${headers}
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
  </div>`;
}

/** What every page of a signed-in operator shows around its content. */
export interface PageFrame {
  lang: ConsoleLang;
  /** The CSRF token for this session's forms. */
  csrf: string;
  /** Which section is current, for the navigation. */
  section: 'orders' | 'anomalies' | 'webhooks' | 'gateway' | null;
  /** The current path and query, for the language links. */
  here: string;
  /** Whether there is a sign-in to leave (not on a token-less admin port). */
  signedIn: boolean;
}

const yuan = (fen: number) => `¥${formatYuan(fen)}`;
const time = (at: Date | null) => (at ? chinaTime(at) : '');

function withLang(here: string, lang: ConsoleLang): string {
  const url = new URL(here, 'http://console.invalid');
  url.searchParams.set('lang', lang);
  return `${url.pathname}${url.search}`;
}

/**
 * A whole page: head, navigation, language switch, sign-out, and the content.
 * @example
 * c.html(page(frame, 'Orders', html`<p>...</p>`));
 */
export function page(frame: PageFrame, title: string, content: Html): Html {
  const t = messages(frame.lang);
  const nav = (section: PageFrame['section'], href: string, label: string) =>
    html`<a href="${href}" ${frame.section === section ? html`aria-current="page"` : ''}>${label}</a>`;
  return html`<!doctype html>
    <html lang="${frame.lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · ${t.title}</title>
        <link rel="stylesheet" href="/admin/console.css" />
      </head>
      <body>
        <header>
          <span class="brand">${t.title}</span>
          <nav aria-label="${t.title}">
            ${nav('orders', '/admin/orders', t.orders)}${nav('anomalies', '/admin/anomalies', t.anomalies)}${nav('webhooks', '/admin/webhooks', t.webhooks)}${nav('gateway', '/admin/gateway', t.gateway)}
          </nav>
          <span class="lang" aria-label="${t.language}"
            ><a href="${withLang(frame.here, 'zh-CN')}" lang="zh-CN">中文</a
            ><a href="${withLang(frame.here, 'en')}" lang="en">English</a></span
          >
          ${frame.signedIn ? html`<form method="post" action="/admin/logout"><input type="hidden" name="csrf" value="${frame.csrf}" /><button class="secondary" type="submit">${t.signOut}</button></form>` : ''}
        </header>
        <main>${content}</main>
      </body>
    </html>`;
}

/**
 * The sign-in page (no navigation: nothing else is reachable before it).
 * @example
 * c.html(loginPage('en', null), 200);
 */
export function loginPage(lang: ConsoleLang, problem: string | null): Html {
  const t = messages(lang);
  return html`<!doctype html>
    <html lang="${lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${t.signIn} · ${t.title}</title>
        <link rel="stylesheet" href="/admin/console.css" />
      </head>
      <body>
        <main>
          <form class="login panel" method="post" action="/admin/login?lang=${lang}">
            <h1>${t.title}</h1>
            <p class="muted">${t.signInHint}</p>
            ${problem ? html`<p class="notice bad" role="alert">${problem}</p>` : ''}
            <label
              >${t.token}<input
                type="password"
                name="token"
                autocomplete="current-password"
                required
                autofocus
            /></label>
            <button type="submit">${t.signIn}</button>
            <p class="lang">
              <a href="/admin/login?lang=zh-CN" lang="zh-CN">中文</a
              ><a href="/admin/login?lang=en" lang="en">English</a>
            </p>
          </form>
        </main>
      </body>
    </html>`;
}

/** The orders list's filter as given in the query string (strings, as typed). */
export interface OrdersForm {
  status: string;
  from: string;
  to: string;
  orderId: string;
  min: string;
  max: string;
}

/** What the orders page shows. */
export interface OrdersView {
  form: OrdersForm;
  /** A problem with the filter, shown instead of results. */
  problem: string | null;
  orders: OrderRecord[];
  total: number;
  page: number;
  pages: number;
  days: DayTotal[];
  /** The query string of the current filter (without page), for links. */
  filterQuery: string;
  methodName: (code: string) => string;
  /** The display name of a gateway account by id (the id itself for one no longer configured). */
  gatewayName: (id: string) => string;
  /**
   * The gateway queries at a glance: due orders, the oldest one's lateness, the caps together, and the accounts
   * now unhealthy (names); null when unknown.
   */
  gateway: { due: number; lateSeconds: number | null; perSecond: number; unhealthy: string[] } | null;
}

function statusBadge(lang: ConsoleLang, status: OrderRecord['status']): Html {
  const t = messages(lang);
  return status === 'PAID'
    ? html`<span class="badge ok">${t.paid}</span>`
    : html`<span class="badge warn">${t.unpaid}</span>`;
}

function via(lang: ConsoleLang, paidVia: OrderRecord['paidVia']): string {
  const t = messages(lang);
  return paidVia === 'notify' ? t.viaNotify : paidVia === 'query' ? t.viaQuery : '';
}

/**
 * The orders page: filter form, totals per day, the page of orders, pagination, the CSV link.
 * @example
 * c.html(ordersPage(frame, view));
 */
export function ordersPage(frame: PageFrame, view: OrdersView): Html {
  const t = messages(frame.lang);
  const f = view.form;
  const option = (value: string, label: string) =>
    html`<option value="${value}" ${f.status === value ? html`selected` : ''}>${label}</option>`;
  const link = (pageNumber: number) =>
    `/admin/orders?${view.filterQuery}${view.filterQuery ? '&' : ''}page=${pageNumber}`;
  const rows = view.orders.map(
    (o) =>
      html`<tr>
        <td><a href="/admin/orders/${o.orderId}">${o.orderId}</a></td>
        <td>${time(o.createdAt)}</td>
        <td class="num">${yuan(o.amountFen)}</td>
        <td>${view.methodName(o.bankCode)}</td>
        <td title="${o.gatewayId}">${view.gatewayName(o.gatewayId)}</td>
        <td>${statusBadge(frame.lang, o.status)}</td>
        <td>${time(o.paidAt)}</td>
        <td>${via(frame.lang, o.paidVia)}</td>
      </tr>`,
  );
  const days = view.days.map(
    (d) =>
      html`<tr>
        <td>${d.day}</td>
        <td class="num">${d.orders}</td>
        <td class="num">${d.paidOrders}</td>
        <td class="num">${yuan(d.paidFen)}</td>
      </tr>`,
  );
  return page(
    frame,
    t.orders,
    html`<h1>${t.orders}</h1>
      ${
        view.gateway
          ? html`<p class="muted">
                ${t.gatewayLine(view.gateway.due, view.gateway.lateSeconds, view.gateway.perSecond)}
                <a href="/admin/gateway">${t.details}</a>
              </p>
              ${
                view.gateway.unhealthy.length > 0
                  ? html`<p class="notice bad" role="status">
                      ${t.unhealthyLine(view.gateway.unhealthy.join(', '))}
                      <a href="/admin/gateway">${t.details}</a>
                    </p>`
                  : ''
              }`
          : ''
      }
      <form class="filters panel" method="get" action="/admin/orders">
        <label
          >${t.status}<select name="status">
            ${option('', t.any)}${option('PAID', t.paid)}${option('NOTPAY', t.unpaid)}
          </select></label
        >
        <label>${t.from}<input type="date" name="from" value="${f.from}" /></label>
        <label>${t.to}<input type="date" name="to" value="${f.to}" /></label>
        <label
          >${t.orderId}<input name="orderId" value="${f.orderId}" maxlength="32" autocomplete="off"
        /></label>
        <label>${t.amountMin}<input name="min" value="${f.min}" inputmode="decimal" maxlength="12" /></label>
        <label>${t.amountMax}<input name="max" value="${f.max}" inputmode="decimal" maxlength="12" /></label>
        <button type="submit">${t.filter}</button>
        <a class="button secondary" href="/admin/orders">${t.clear}</a>
        <a class="button secondary" href="/admin/orders.csv?${view.filterQuery}">${t.exportCsv}</a>
      </form>
      ${view.problem ? html`<p class="notice bad" role="alert">${view.problem}</p>` : ''}
      <h2>${t.perDay}</h2>
      ${dataTable([t.day, num(t.count), num(t.paidCount), num(t.paidAmount)], days)}
      <h2>${t.orders}</h2>
      ${dataTable(
        [t.orderId, t.created, num(t.amount), t.method, t.gateway, t.status, t.paidAt, t.via],
        rows.length > 0
          ? rows
          : html`<tr>
              <td colspan="8" class="muted">${t.noOrders}</td>
            </tr>`,
      )}
      <nav class="pager" aria-label="${t.orders}">
        ${view.page > 1 ? html`<a rel="prev" href="${link(view.page - 1)}">${t.previous}</a>` : ''}
        <span>${t.pageOf(view.page, view.pages, view.total)}</span>
        ${view.page < view.pages ? html`<a rel="next" href="${link(view.page + 1)}">${t.next}</a>` : ''}
      </nav>`,
  );
}

/** What the order page shows. */
export interface OrderView {
  order: OrderRecord;
  requestFields: Record<string, string> | null;
  notifications: NotificationLogEntry[];
  anomalies: AnomalyEntry[];
  /** The order's newest gateway queries (newest first) and how many it has in all. */
  gatewayQueries: GatewayQueryPage;
  events: OutboxEvent[];
  /** The result of the action just taken (`query-paid`, `resend-ok`, ...), shown once. */
  done: string | null;
  webhookOn: boolean;
  methodName: (code: string) => string;
  /** The display name of a gateway account by id (the id itself for one no longer configured). */
  gatewayName: (id: string) => string;
  /** Whether the shopper was seen at the gateway, and the query budget until then; null when unknown. */
  reach: { queryBudget: number | null; submittedAt: Date | null; returnedAt: Date | null } | null;
}

function eventState(lang: ConsoleLang, event: OutboxEvent): Html {
  const t = messages(lang);
  if (event.deliveredAt) return html`<span class="badge ok">${t.stateDelivered}</span>`;
  if (event.attempts > 0) return html`<span class="badge bad">${t.stateFailed}</span>`;
  return html`<span class="badge warn">${t.statePending}</span>`;
}

function resendForm(frame: PageFrame, event: OutboxEvent, back: string): Html {
  const t = messages(frame.lang);
  return html`<form method="post" action="/admin/webhooks/${event.id}/resend">
    <input type="hidden" name="csrf" value="${frame.csrf}" /><input
      type="hidden"
      name="back"
      value="${back}"
    /><button class="secondary" type="submit">${t.sendAgain}</button>
  </form>`;
}

function eventsTable(
  frame: PageFrame,
  events: OutboxEvent[],
  back: string,
  webhookOn: boolean,
  withOrder: boolean,
): Html {
  const t = messages(frame.lang);
  if (events.length === 0) return html`<p class="muted">${webhookOn ? t.noEvents : t.webhookOff}</p>`;
  const rows = events.map(
    (e) =>
      html`<tr>
        ${withOrder ? html`<td><a href="/admin/orders/${e.orderId}">${e.orderId}</a></td>` : ''}
        <td>${eventState(frame.lang, e)}</td>
        <td class="num">${e.attempts}</td>
        <td class="wrap">${e.lastError ?? ''}</td>
        <td>${e.deliveredAt ? '' : time(e.nextAttemptAt)}</td>
        <td>${time(e.deliveredAt)}</td>
        <td class="muted" title="${e.id}">${e.id.slice(0, 8)}</td>
        <td>${webhookOn ? resendForm(frame, e, back) : ''}</td>
      </tr>`,
  );
  return dataTable(
    [t.order, t.status, num(t.attempts), t.lastError, t.nextAttempt, t.deliveredAt, t.event, ''],
    rows,
  );
}

/**
 * One order: its state, the signed request, every notification with its body, the gateway queries, anomalies and
 * webhook deliveries, with "ask the gateway now" for an unpaid order and "send again" for each delivery.
 * @example
 * c.html(orderPage(frame, view));
 */
export function orderPage(frame: PageFrame, view: OrderView): Html {
  const t = messages(frame.lang);
  const o = view.order;
  const back = `/admin/orders/${o.orderId}`;
  const notice = view.done ? t.done[view.done] : undefined;
  const fields = Object.entries(view.requestFields ?? {}).map(
    ([name, value]) =>
      html`<tr>
        <td>${name}</td>
        <td class="wrap">${value}</td>
      </tr>`,
  );
  const notifications = view.notifications.map(
    (n) =>
      html`<tr>
        <td>${time(n.receivedAt)}</td>
        <td>
          <span class="badge ${n.verdict === 'paid' || n.verdict === 'duplicate' ? 'ok' : 'bad'}"
            >${n.verdict}</span
          >
          ${n.orderId === null ? html`<br /><span class="muted">${t.unverified}</span>` : ''}${n.bodyTruncated ? html`<br /><span class="muted">${t.truncated}</span>` : ''}
        </td>
        <td class="wrap body"><pre>${n.rawBody}</pre></td>
      </tr>`,
  );
  const anomalies = view.anomalies.map(
    (a) =>
      html`<tr>
        <td>${time(a.at)}</td>
        <td>${a.kind}</td>
        <td class="wrap">${a.detail}</td>
      </tr>`,
  );
  return page(
    frame,
    `${t.order} ${o.orderId}`,
    html`<p><a href="/admin/orders">← ${t.backToOrders}</a></p>
      <h1>${t.order} ${o.orderId}</h1>
      ${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
      <section>
        <dl>
          <dt>${t.status}</dt>
          <dd>${statusBadge(frame.lang, o.status)}</dd>
          <dt>${t.amount}</dt>
          <dd>${yuan(o.amountFen)}</dd>
          <dt>${t.method}</dt>
          <dd>${view.methodName(o.bankCode)} (${o.bankCode})</dd>
          <dt>${t.gatewayAccount}</dt>
          <dd>
            <a href="/admin/gateway#gateway-${o.gatewayId}">${view.gatewayName(o.gatewayId)}</a>
            (${o.gatewayId})
          </dd>
          <dt>${t.product}</dt>
          <dd>${o.productName}</dd>
          <dt>${t.attach}</dt>
          <dd>${o.attach ?? ''}</dd>
          <dt>${t.created}</dt>
          <dd>${time(o.createdAt)}</dd>
          <dt>${t.paidAt}</dt>
          <dd>${time(o.paidAt)}</dd>
          <dt>${t.via}</dt>
          <dd>${via(frame.lang, o.paidVia)}</dd>
          <dt>${t.transactionId}</dt>
          <dd>${o.transactionId ?? ''}</dd>
        </dl>
      </section>
      <h2>${t.queries}</h2>
      <section>
        <dl>
          <dt>${t.queryAttempts}</dt>
          <dd>${o.queryAttempts}</dd>
          <dt>${t.nextQuery}</dt>
          <dd>${nextQuery(frame.lang, o, view.reach)}</dd>
          ${
            view.reach
              ? html`<dt>${t.queryBudget}</dt>
                  <dd>
                    ${view.reach.queryBudget === null ? t.wholeSchedule : t.budgetUntilReach(view.reach.queryBudget)}
                  </dd>
                  <dt>${t.formSubmitted}</dt>
                  <dd>${view.reach.submittedAt ? time(view.reach.submittedAt) : t.notReported}</dd>
                  <dt>${t.returned}</dt>
                  <dd>${view.reach.returnedAt ? time(view.reach.returnedAt) : t.none}</dd>`
              : ''
          }
        </dl>
        ${o.status === 'NOTPAY' ? html`<form class="actions" method="post" action="/admin/orders/${o.orderId}/query"><input type="hidden" name="csrf" value="${frame.csrf}" /><button type="submit">${t.askGateway}</button><span class="muted">${t.askGatewayHint}</span></form>` : ''}
        ${queriesSentTable(frame.lang, view.gatewayQueries, view.gatewayName)}
      </section>
      <h2>${t.notifications}</h2>
      ${
        notifications.length > 0
          ? dataTable([t.received, t.verdict, t.body], notifications)
          : html`<p class="muted">${t.noNotifications}</p>`
      }
      <h2>${t.anomalies}</h2>
      ${
        anomalies.length > 0
          ? dataTable([t.at, t.kind, t.detail], anomalies)
          : html`<p class="muted">${t.noAnomalies}</p>`
      }
      <h2>${t.webhookEvents}</h2>
      ${eventsTable(frame, view.events, back, view.webhookOn, false)}
      <h2>${t.requestFields}</h2>
      <div class="scroll">
        <table>
          <tbody>
            ${fields}
          </tbody>
        </table>
      </div>`,
  );
}

/** The queries sent about one order, newest first: when, what asked, the outcome and why, and how long. */
function queriesSentTable(
  lang: ConsoleLang,
  queries: GatewayQueryPage,
  gatewayName: (id: string) => string,
): Html {
  const t = messages(lang);
  if (queries.total === 0) return html`<p class="muted">${t.noQueriesSent}</p>`;
  const badge = (outcome: string) =>
    outcome === 'paid' || outcome === 'already_paid' ? 'ok' : outcome === 'not_paid' ? 'warn' : 'bad';
  const rows = queries.entries.map(
    (q) =>
      html`<tr>
        <td>${time(q.at)}</td>
        <td>${t.triggers[q.trigger] ?? q.trigger}</td>
        <td><span class="badge ${badge(q.outcome)}">${t.outcomes[q.outcome] ?? q.outcome}</span></td>
        <td class="wrap">${q.detail ?? ''}</td>
        <td class="num">${t.milliseconds(q.durationMs)}</td>
        <td title="${q.gatewayId}">${gatewayName(q.gatewayId)}</td>
      </tr>`,
  );
  return html`<h3>${t.queriesSent}</h3>
    ${queries.total > queries.entries.length ? html`<p class="muted">${t.newestOf(queries.entries.length, queries.total)}</p>` : ''}
    ${dataTable([t.at, t.askedBy, t.outcome, t.detail, num(t.took), t.gatewayShort], rows)}`;
}

/** The next query of an order: its time, none, or none until the shopper is seen at the gateway. */
function nextQuery(lang: ConsoleLang, o: OrderRecord, reach: OrderView['reach']): string {
  const t = messages(lang);
  if (!o.nextQueryAt || o.status === 'PAID') return t.none;
  if (reach?.queryBudget != null && o.queryAttempts >= reach.queryBudget) return t.waitingForReach;
  return time(o.nextQueryAt);
}

/** What the gateway page shows for one gateway account. */
export interface GatewayView {
  /** The account as configured; never its key. */
  account: Pick<
    GatewayAccount,
    'id' | 'name' | 'paymentUrl' | 'queryUrl' | 'memberId' | 'dialect' | 'bankCodes' | 'priority' | 'weight'
  >;
  /** Its health as this instance knows it. */
  health: GatewayHealth;
  stats: QueryStatsSnapshot;
  /** The due orders in the store, or null when the store cannot be read by the console. */
  backlog: { due: number; oldestDueAt: Date | null } | null;
}

function countsTable(lang: ConsoleLang, counts: Record<QueryKind, QueryCounts>): Html {
  const t = messages(lang);
  const row = (label: string, c: QueryCounts) =>
    html`<tr>
      <td>${label}</td>
      <td class="num">${c.sent}</td>
      <td class="num">${c.deferred}</td>
      <td class="num">${c.skipped}</td>
      <td class="num">${t.seconds(c.sent === 0 ? 0 : c.delayTotalMs / c.sent)}</td>
      <td class="num">${t.seconds(c.delayMaxMs)}</td>
    </tr>`;
  return dataTable(
    ['', num(t.sent), num(t.deferred), num(t.skipped), num(t.meanDelay), num(t.maxDelay)],
    [row(t.kindScheduled, counts.scheduled), row(t.kindStatus, counts.status)],
  );
}

/**
 * The gateway page: per gateway account, its health (taking checkouts or not, since when, the last failure), how it
 * is configured (never its key), the rate cap, the due orders (shared by every instance) and what this instance's
 * queries did (sent, deferred by the cap, skipped, their delay), since it started and in its last busy minute.
 * @example
 * c.html(gatewayPage(frame, [{ account, health, stats: stats.snapshot(), backlog }], new Date()));
 */
export function gatewayPage(frame: PageFrame, gateways: GatewayView[], now: Date): Html {
  const t = messages(frame.lang);
  const sections = gateways.map((g) => {
    const s = g.stats;
    const a = g.account;
    const h = g.health;
    const oldest = g.backlog?.oldestDueAt ?? null;
    return html`<h2 id="gateway-${a.id}">
        ${t.gatewayTitle(a.name === a.id ? a.id : `${a.name} (${a.id})`)}
      </h2>
      <section>
        <dl>
          <dt>${t.health}</dt>
          <dd>
            ${h.healthy ? html`<span class="badge ok">${t.healthy}</span>` : html`<span class="badge bad">${t.unhealthy}</span>`}
            <span class="muted">${t.inARow(h.failures, h.successes)}</span>
          </dd>
          <dt>${t.healthSince}</dt>
          <dd>${h.changedAt ? time(h.changedAt) : t.healthNever}</dd>
          <dt>${t.lastChecked}</dt>
          <dd>${h.checkedAt ? time(h.checkedAt) : t.none}</dd>
          <dt>${t.lastFailure}</dt>
          <dd class="wrap">${h.lastError ?? t.none}</dd>
          <dt>${t.paymentPage}</dt>
          <dd class="wrap">${a.paymentUrl}</dd>
          <dt>${t.queryPage}</dt>
          <dd class="wrap">${a.queryUrl}</dd>
          <dt>${t.memberId}</dt>
          <dd>${a.memberId}</dd>
          <dt>${t.dialect}</dt>
          <dd>${a.dialect}</dd>
          <dt>${t.bankCodes}</dt>
          <dd>${a.bankCodes.join(', ')}</dd>
          <dt>${t.priorityWeight}</dt>
          <dd>${t.priorityWeightValue(a.priority, a.weight)}</dd>
          <dt>${t.rateCap}</dt>
          <dd>${t.rateCapValue(s.perSecond, s.reserve)}</dd>
          <dt>${t.dueNow}</dt>
          <dd>${g.backlog ? g.backlog.due : ''}</dd>
          <dt>${t.oldestDue}</dt>
          <dd>
            ${oldest ? `${time(oldest)} (${t.lateBy(Math.max(0, Math.round((now.getTime() - oldest.getTime()) / 1000)))})` : t.none}
          </dd>
          <dt>${t.countedSince}</dt>
          <dd>${time(s.since)}</dd>
        </dl>
      </section>
      <h3>${t.sinceStart}</h3>
      ${countsTable(frame.lang, s.total)}
      <h3>${t.currentMinute(time(s.current.from))}</h3>
      ${countsTable(frame.lang, s.current.counts)}
      <h3>
        ${t.lastActivity}${s.lastInterval ? ` (${time(s.lastInterval.from)} – ${time(s.lastInterval.to)})` : ''}
      </h3>
      ${s.lastInterval ? countsTable(frame.lang, s.lastInterval.counts) : html`<p class="muted">${t.none}</p>`}`;
  });
  return page(
    frame,
    t.gatewayQueries,
    html`<h1>${t.gatewayQueries}</h1>
      <p class="muted">${t.gatewayHint}</p>
      ${sections}`,
  );
}

/** A page of a list with a pager (anomalies, webhooks). */
export interface ListView<T> {
  items: T[];
  total: number;
  page: number;
  pages: number;
  done: string | null;
}

function pager(frame: PageFrame, base: string, view: ListView<unknown>): Html {
  const t = messages(frame.lang);
  return html`<nav class="pager">
    ${view.page > 1 ? html`<a rel="prev" href="${base}?page=${view.page - 1}">${t.previous}</a>` : ''}
    <span>${t.pageOf(view.page, view.pages, view.total)}</span>
    ${view.page < view.pages ? html`<a rel="next" href="${base}?page=${view.page + 1}">${t.next}</a>` : ''}
  </nav>`;
}

/**
 * Every anomaly, newest first.
 * @example
 * c.html(anomaliesPage(frame, view));
 */
export function anomaliesPage(frame: PageFrame, view: ListView<AnomalyRow>): Html {
  const t = messages(frame.lang);
  const rows = view.items.map(
    (a) =>
      html`<tr>
        <td>${time(a.at)}</td>
        <td><a href="/admin/orders/${a.orderId}">${a.orderId}</a></td>
        <td>${a.kind}</td>
        <td class="wrap">${a.detail}</td>
      </tr>`,
  );
  return page(
    frame,
    t.anomalies,
    html`<h1>${t.anomalies}</h1>
      ${
        rows.length > 0
          ? dataTable([t.at, t.order, t.kind, t.detail], rows)
          : html`<p class="muted">${t.noAnomalies}</p>`
      }
      ${pager(frame, '/admin/anomalies', view)}`,
  );
}

/**
 * Every webhook delivery, failing ones first, each with "send again".
 * @example
 * c.html(webhooksPage(frame, view, true));
 */
export function webhooksPage(frame: PageFrame, view: ListView<OutboxEvent>, webhookOn: boolean): Html {
  const t = messages(frame.lang);
  const notice = view.done ? t.done[view.done] : undefined;
  return page(
    frame,
    t.webhooks,
    html`<h1>${t.webhookEvents}</h1>
      ${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
      ${eventsTable(frame, view.items, `/admin/webhooks?page=${view.page}`, webhookOn, true)}
      ${pager(frame, '/admin/webhooks', view)}`,
  );
}

/**
 * A page with one message (not found, refused).
 * @example
 * c.html(messagePage(frame, 'No such order.'), 404);
 */
export function messagePage(frame: PageFrame, text: string): Html {
  return page(frame, text, html`<p class="notice bad" role="alert">${text}</p>`);
}
