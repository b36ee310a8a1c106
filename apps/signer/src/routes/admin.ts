/**
 * @module routes/admin
 * The operator console at `/admin`: server-rendered pages (no script), zh-CN and English. Sign-in with
 * `JUPAY_ADMIN_TOKEN` gives an HttpOnly, SameSite=Strict session cookie (admin/session.ts); every POST needs the
 * session's CSRF token and, when the browser names one, an Origin of this host; every answer carries a strict
 * Content-Security-Policy (styles from /admin only; no script, frame, plugin or foreign form target), is never
 * cached and never framed. On the admin port (127.0.0.1, `JUPAY_ADMIN_PORT`) without a token, no sign-in is asked,
 * the Host must be a loopback name (no DNS rebinding) and the CSRF token is bound to an anonymous session.
 *
 * Pages: orders (filters, pagination, totals per China-time day, CSV export, the gateway queries at a glance), one
 * order (the signed request, every notification with its verdict and body, the queries, whether the shopper was
 * seen at the gateway, anomalies, webhook deliveries; "ask the gateway now"), anomalies, webhook deliveries
 * (failing first, "send again"), the gateway (its query rate cap, the due orders, the queries sent, deferred and
 * their delay). Reads go through admin/admin-queries.ts and the store; "ask the gateway now" is the reconciler's
 * query (waiting for a slot of the cap), "send again" the webhook sender's delivery.
 */
import { parseYuan } from '@jupay/core';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import type { AdminQueries, OrderFilter } from '../admin/admin-queries.ts';
import { chinaDayStart } from '../admin/china-day.ts';
import { CONSOLE_CSS } from '../admin/console-css.ts';
import { messages, pickLang, type ConsoleLang } from '../admin/i18n.ts';
import { CSV_HEAD, csvLine } from '../admin/orders-csv.ts';
import {
  anomaliesPage,
  gatewayPage,
  loginPage,
  messagePage,
  orderPage,
  ordersPage,
  webhooksPage,
  type OrdersForm,
  type OrdersView,
  type PageFrame,
} from '../admin/pages.ts';
import { sessionKeys, SESSION_TTL_MS, type Session } from '../admin/session.ts';
import { tokenMatches } from '../admin/token.ts';
import type { BankMethod, SignerConfig } from '../config/load-config.ts';
import { clientAddress, addressKey } from '../http/client-address.ts';
import { createRateLimiter } from '../http/rate-limit.ts';
import type { SignerEnv } from '../log.ts';
import type { GatewayAccount } from '../config/gateway-accounts.ts';
import type { GatewayHealth } from '../gateways/health-state.ts';
import type { QueryStatsSnapshot } from '../reconcile/query-stats.ts';
import type { OrderRecord, OrderStore, OutboxEvent } from '../store/order-store.ts';

/** What {@link adminRoute} needs. */
export interface AdminRouteDeps {
  config: Pick<SignerConfig, 'trustedProxyHeader' | 'methods' | 'publicUrl'>;
  /** `JUPAY_ADMIN_TOKEN`; null only on the admin port (then no sign-in is asked). */
  token: string | null;
  /** `public`: mounted on the signer's port; `port`: the 127.0.0.1 admin listener. */
  where: 'public' | 'port';
  queries: () => Promise<AdminQueries | null>;
  store: Pick<
    OrderStore,
    'getOrder' | 'listNotifications' | 'listAnomalies' | 'listGatewayQueries' | 'listEvents'
  >;
  /** "Ask the gateway now": the reconciler's query of one order, applied like any other. */
  askGateway: (order: OrderRecord) => Promise<string>;
  /** "Send again": one delivery by the webhook sender; null without a webhook. */
  resend: ((event: OutboxEvent) => Promise<boolean>) | null;
  /** What this instance's queries to each gateway did (reconcile/query-stats.ts). */
  queryStats: () => QueryStatsSnapshot[];
  /** The gateway accounts and their health (never their keys on a page). */
  gateways: {
    accounts: readonly GatewayAccount[];
    health: { states(): GatewayHealth[] };
  };
  clock: () => Date;
}

type AdminEnv = SignerEnv & { Variables: { session: Session; lang: ConsoleLang } };

const COOKIE = 'jupay_admin';
const LANG_COOKIE = 'jupay_admin_lang';
const PAGE_SIZE = 50;
const LIST_SIZE = 100;
// An order gets at most a few dozen queries on its schedule; status reads and the console can add more, and the
// page shows the newest of them with the total.
const QUERIES_SHOWN = 50;
const CSP =
  "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
const ORDER_ID = /^[A-Za-z0-9]{1,32}$/;
const EVENT_ID = /^[A-Za-z0-9-]{1,64}$/;

/**
 * The console, to mount at `/admin`.
 * @example
 * app.route('/admin', adminRoute({ config, token, where: 'public', queries, store, askGateway, resend, clock }));
 */
export function adminRoute(deps: AdminRouteDeps): Hono<AdminEnv> {
  const names = new Map(deps.gateways.accounts.map((a) => [a.id, a.name]));
  // An order of an account no longer configured shows its id.
  const gatewayName = (id: string) => names.get(id) ?? id;
  const keys = sessionKeys(deps.token);
  const signInNeeded = deps.token !== null;
  // Secure cookies where the browser talks https: the public port behind TLS. The admin port is plain loopback.
  const secure = deps.where === 'public' && deps.config.publicUrl.startsWith('https:');
  // The tenth wrong token within a minute is the one the limiter refuses: that client is then blocked.
  const failures = createRateLimiter({ limit: 9, windowMs: 60_000, clock: () => deps.clock().getTime() });
  const blocked = new Map<string, number>();
  const app = new Hono<AdminEnv>();

  app.use(async (c, next) => {
    if (deps.where === 'port' && !loopbackHost(c.req.header('host'))) {
      return c.text('forbidden\n', 403, securityHeaders());
    }
    const query = c.req.query('lang');
    const lang = pickLang({
      query,
      cookie: getCookie(c, LANG_COOKIE),
      acceptLanguage: c.req.header('accept-language'),
    });
    if (query === 'en' || query === 'zh-CN') {
      setCookie(c, LANG_COOKIE, query, {
        path: '/admin',
        httpOnly: true,
        sameSite: 'Strict',
        secure,
        maxAge: 31_536_000,
      });
    }
    c.set('lang', lang);
    await next();
    for (const [name, value] of Object.entries(securityHeaders())) c.res.headers.set(name, value);
  });

  app.get('/console.css', (c) => c.body(CONSOLE_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8' }));

  app.get('/login', (c) =>
    signInNeeded ? c.html(loginPage(c.get('lang'), null)) : c.redirect('/admin/orders', 303),
  );

  app.post('/login', async (c) => {
    const lang = c.get('lang');
    if (!signInNeeded) return c.redirect('/admin/orders', 303);
    if (!sameOrigin(c)) return c.html(loginPage(lang, messages(lang).forbidden), 403);
    const client = addressKey(clientAddress(c, deps.config.trustedProxyHeader));
    const now = deps.clock().getTime();
    const blockedUntil = blocked.get(client);
    if (blockedUntil !== undefined && blockedUntil > now) {
      c.header('Retry-After', String(Math.ceil((blockedUntil - now) / 1000)));
      return c.html(loginPage(lang, messages(lang).tooManyAttempts), 429);
    }
    blocked.delete(client);
    const form = await c.req.parseBody();
    const presented = typeof form.token === 'string' ? form.token : undefined;
    if (!tokenMatches(presented, deps.token!)) {
      // Ten wrong tokens a minute from one client, then that client waits out the minute, right token or not.
      const verdict = failures.hit(client);
      if (!verdict.allowed) {
        if (blocked.size >= 10_000) blocked.delete(blocked.keys().next().value!);
        blocked.set(client, now + verdict.retryAfterSeconds * 1000);
      }
      c.get('log')?.warn({ client }, 'console sign-in refused');
      return c.html(loginPage(lang, messages(lang).wrongToken), 401);
    }
    const { value } = keys.issue(now);
    setCookie(c, COOKIE, value, cookieOptions(secure));
    c.get('log')?.info({ client }, 'console sign-in');
    return c.redirect('/admin/orders', 303);
  });

  // Everything below needs a session: a signed-in one, or on a token-less admin port an anonymous one made here.
  const requireSession: MiddlewareHandler<AdminEnv> = async (c, next) => {
    const now = deps.clock().getTime();
    let session = keys.read(getCookie(c, COOKIE), now);
    if (!session && !signInNeeded && c.req.method === 'GET') {
      const issued = keys.issue(now);
      setCookie(c, COOKIE, issued.value, cookieOptions(secure));
      session = issued.session;
    }
    if (!session) {
      if (c.req.method === 'GET') return c.redirect('/admin/login', 303);
      return c.html(messagePage(frameOf(c, null, null), messages(c.get('lang')).forbidden), 403);
    }
    c.set('session', session);
    if (c.req.method === 'POST') {
      const form = await c.req.parseBody();
      if (!sameOrigin(c) || !keys.checkCsrf(session, typeof form.csrf === 'string' ? form.csrf : undefined)) {
        c.get('log')?.warn({ path: c.req.path }, 'console action refused: CSRF token or origin');
        return c.html(messagePage(frameOf(c, session, null), messages(c.get('lang')).forbidden), 403);
      }
    }
    return next();
  };
  app.use('*', requireSession);

  const frameOf = (
    c: Context<AdminEnv>,
    session: Session | null,
    section: PageFrame['section'],
  ): PageFrame => ({
    lang: c.get('lang'),
    csrf: session ? keys.csrfToken(session) : '',
    section,
    here: new URL(c.req.url).pathname + new URL(c.req.url).search,
    signedIn: signInNeeded && session !== null,
  });
  const frame = (c: Context<AdminEnv>, section: PageFrame['section']) =>
    frameOf(c, c.get('session'), section);
  const notFound = (c: Context<AdminEnv>) =>
    c.html(messagePage(frame(c, null), messages(c.get('lang')).notFound), 404);

  app.post('/logout', (c) => {
    deleteCookie(c, COOKIE, { path: '/admin', secure });
    return c.redirect('/admin/login', 303);
  });

  app.get('/', (c) => c.redirect('/admin/orders', 303));

  app.get('/orders', async (c) => {
    const t = messages(c.get('lang'));
    const form = ordersForm(c);
    const parsed = orderFilter(form, c.get('lang'));
    const queries = await deps.queries();
    const pageNumber = positive(c.req.query('page'));
    let orders: OrderRecord[] = [];
    let total = 0;
    let days: Awaited<ReturnType<AdminQueries['dayTotals']>> = [];
    if (queries && 'filter' in parsed) {
      const [list, totals] = await Promise.all([
        queries.listOrders(parsed.filter, { limit: PAGE_SIZE, offset: (pageNumber - 1) * PAGE_SIZE }),
        queries.dayTotals(parsed.filter, 31),
      ]);
      ({ orders, total } = list);
      days = totals;
    }
    const filterQuery = new URLSearchParams(Object.entries(form).filter(([, v]) => v !== '')).toString();
    const stats = deps.queryStats();
    let gateway: OrdersView['gateway'] = null;
    if (queries && stats.length > 0) {
      const now = deps.clock();
      const backlog = await queries.dueOrders(now);
      const due = backlog.reduce((sum, b) => sum + b.due, 0);
      const oldest = Math.min(...backlog.map((b) => b.oldestDueAt?.getTime() ?? Infinity));
      const lateSeconds = Number.isFinite(oldest)
        ? Math.max(0, Math.round((now.getTime() - oldest) / 1000))
        : null;
      const perSecond = stats.reduce((sum, s) => sum + s.perSecond, 0);
      const unhealthy = deps.gateways.health
        .states()
        .filter((h) => !h.healthy)
        .map((h) => gatewayName(h.gatewayId));
      gateway = { due, lateSeconds, perSecond, unhealthy };
    }
    return c.html(
      ordersPage(frame(c, 'orders'), {
        form,
        problem: 'problem' in parsed ? parsed.problem : queries ? null : t.notFound,
        orders,
        total,
        page: pageNumber,
        pages: Math.max(1, Math.ceil(total / PAGE_SIZE)),
        days,
        filterQuery,
        methodName: methodNames(deps.config.methods, c.get('lang')),
        gatewayName,
        gateway,
      }),
    );
  });

  app.get('/orders.csv', async (c) => {
    const parsed = orderFilter(ordersForm(c), c.get('lang'));
    const queries = await deps.queries();
    if (!queries || 'problem' in parsed)
      return c.text('problem' in parsed ? `${parsed.problem}\n` : 'not available\n', 400);
    let body = CSV_HEAD;
    for (let offset = 0; ; offset += 1000) {
      const { orders } = await queries.listOrders(parsed.filter, { limit: 1000, offset });
      for (const order of orders) body += csvLine(order);
      if (orders.length < 1000) break;
    }
    const name = `jupay-orders-${c.req.query('from') || 'all'}-${c.req.query('to') || 'all'}.csv`.replace(
      /[^A-Za-z0-9._-]/g,
      '',
    );
    return c.body(body, 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${name}"`,
    });
  });

  app.get('/orders/:orderId', async (c) => {
    const orderId = c.req.param('orderId');
    const order = ORDER_ID.test(orderId) ? await deps.store.getOrder(orderId) : null;
    if (!order) return notFound(c);
    const queries = await deps.queries();
    const [requestFields, reach, notifications, anomalies, gatewayQueries, events] = await Promise.all([
      queries ? queries.requestFields(orderId) : null,
      queries ? queries.orderReach(orderId) : null,
      deps.store.listNotifications(orderId),
      deps.store.listAnomalies(orderId),
      deps.store.listGatewayQueries(orderId, QUERIES_SHOWN),
      deps.store.listEvents(orderId),
    ]);
    return c.html(
      orderPage(frame(c, 'orders'), {
        order,
        requestFields,
        notifications,
        anomalies,
        gatewayQueries,
        events,
        done: doneKey(c.req.query('done')),
        webhookOn: deps.resend !== null,
        methodName: methodNames(deps.config.methods, c.get('lang')),
        gatewayName,
        reach,
      }),
    );
  });

  app.get('/gateway', async (c) => {
    const queries = await deps.queries();
    const now = deps.clock();
    const backlog = queries ? await queries.dueOrders(now) : null;
    const stats = new Map(deps.queryStats().map((s) => [s.gatewayId, s]));
    const health = new Map(deps.gateways.health.states().map((h) => [h.gatewayId, h]));
    const gateways = deps.gateways.accounts.flatMap((account) => {
      const accountStats = stats.get(account.id);
      if (!accountStats) return [];
      const due = backlog?.find((b) => b.gatewayId === account.id);
      return [
        {
          account,
          health: health.get(account.id)!,
          stats: accountStats,
          backlog: backlog === null ? null : { due: due?.due ?? 0, oldestDueAt: due?.oldestDueAt ?? null },
        },
      ];
    });
    return c.html(gatewayPage(frame(c, 'gateway'), gateways, now));
  });

  app.post('/orders/:orderId/query', async (c) => {
    const orderId = c.req.param('orderId');
    const order = ORDER_ID.test(orderId) ? await deps.store.getOrder(orderId) : null;
    if (!order) return notFound(c);
    const outcome = order.status === 'PAID' ? 'already_paid' : await deps.askGateway(order);
    c.get('log')?.info({ orderId, outcome }, 'console: gateway asked about an order');
    return c.redirect(`/admin/orders/${orderId}?done=query-${outcome}`, 303);
  });

  app.get('/anomalies', async (c) => {
    const queries = await deps.queries();
    const pageNumber = positive(c.req.query('page'));
    const { anomalies, total } = queries
      ? await queries.listAnomalies({ limit: LIST_SIZE, offset: (pageNumber - 1) * LIST_SIZE })
      : { anomalies: [], total: 0 };
    return c.html(
      anomaliesPage(frame(c, 'anomalies'), {
        items: anomalies,
        total,
        page: pageNumber,
        pages: Math.max(1, Math.ceil(total / LIST_SIZE)),
        done: null,
      }),
    );
  });

  app.get('/webhooks', async (c) => {
    const queries = await deps.queries();
    const pageNumber = positive(c.req.query('page'));
    const { events, total } = queries
      ? await queries.listEvents({ limit: LIST_SIZE, offset: (pageNumber - 1) * LIST_SIZE })
      : { events: [], total: 0 };
    return c.html(
      webhooksPage(
        frame(c, 'webhooks'),
        {
          items: events,
          total,
          page: pageNumber,
          pages: Math.max(1, Math.ceil(total / LIST_SIZE)),
          done: doneKey(c.req.query('done')),
        },
        deps.resend !== null,
      ),
    );
  });

  app.post('/webhooks/:eventId/resend', async (c) => {
    const eventId = c.req.param('eventId');
    const queries = await deps.queries();
    const event = EVENT_ID.test(eventId) && queries ? await queries.getEvent(eventId) : null;
    if (!event || !deps.resend) return notFound(c);
    const delivered = await deps.resend(event);
    c.get('log')?.info({ eventId, orderId: event.orderId, delivered }, 'console: webhook sent again');
    const form = await c.req.parseBody();
    const back =
      typeof form.back === 'string' && /^\/admin\/[A-Za-z0-9/?=&._-]*$/.test(form.back)
        ? form.back
        : '/admin/webhooks';
    const separator = back.includes('?') ? '&' : '?';
    return c.redirect(`${back}${separator}done=resend-${delivered ? 'ok' : 'failed'}`, 303);
  });

  app.all('*', notFound);
  return app;
}

function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': CSP,
    'X-Frame-Options': 'DENY',
    // same-origin, not no-referrer: with no-referrer the browser sends `Origin: null` on the console's own POSTs.
    'Referrer-Policy': 'same-origin',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  };
}

function cookieOptions(secure: boolean) {
  return {
    path: '/admin',
    httpOnly: true,
    sameSite: 'Strict' as const,
    secure,
    maxAge: Math.floor(SESSION_TTL_MS / 1000),
  };
}

/** A loopback name for the admin port: 127.0.0.1, localhost or [::1], with a port. */
function loopbackHost(host: string | undefined): boolean {
  return /^(?:127\.0\.0\.1|localhost|\[::1\])(?::\d{1,5})?$/i.test(host ?? '');
}

/** A POST from this console's own pages: the browser's Origin (when it sends one) names this host. */
function sameOrigin(c: Context): boolean {
  const origin = c.req.header('origin');
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === c.req.header('host');
  } catch {
    return false;
  }
}

function positive(raw: string | undefined): number {
  const n = Number(raw);
  return Number.isInteger(n) && n >= 1 && n <= 1_000_000 ? n : 1;
}

const DONE =
  /^(?:query-(?:paid|already_paid|not_paid|amount_mismatch|failed|not_found|skipped)|resend-(?:ok|failed))$/;
function doneKey(raw: string | undefined): string | null {
  return raw !== undefined && DONE.test(raw) ? raw : null;
}

function ordersForm(c: Context): OrdersForm {
  const get = (name: string) => (c.req.query(name) ?? '').trim().slice(0, 40);
  return {
    status: get('status'),
    from: get('from'),
    to: get('to'),
    orderId: get('orderId'),
    min: get('min'),
    max: get('max'),
  };
}

/** The filter a form asks for, or the first problem with it (in the operator's language). */
function orderFilter(form: OrdersForm, lang: ConsoleLang): { filter: OrderFilter } | { problem: string } {
  const t = messages(lang);
  const filter: OrderFilter = {};
  if (form.status === 'PAID' || form.status === 'NOTPAY') filter.status = form.status;
  if (form.from !== '') {
    const start = chinaDayStart(form.from);
    if (!start) return { problem: `${t.from}: ${form.from}` };
    filter.createdFrom = start;
  }
  if (form.to !== '') {
    const start = chinaDayStart(form.to);
    if (!start) return { problem: `${t.to}: ${form.to}` };
    filter.createdBefore = new Date(start.getTime() + 86_400_000);
  }
  if (form.orderId !== '') {
    if (!/^[A-Za-z0-9]{1,32}$/.test(form.orderId)) return { problem: `${t.orderId}: ${form.orderId}` };
    filter.orderIdPrefix = form.orderId;
  }
  for (const [name, label, key] of [
    ['min', t.amountMin, 'minFen'],
    ['max', t.amountMax, 'maxFen'],
  ] as const) {
    const raw = form[name];
    if (raw === '') continue;
    try {
      filter[key] = parseYuan(raw, name);
    } catch {
      return { problem: `${label}: ${raw}` };
    }
  }
  return { filter };
}

function methodNames(methods: readonly BankMethod[], lang: ConsoleLang): (code: string) => string {
  const names = new Map(methods.map((m) => [m.code, lang === 'en' ? m.nameEn : m.name]));
  return (code) => names.get(code) ?? code;
}
