/**
 * @module config/load-config
 * Turns environment variables (`JUPAY_*`, `PORT`, `HOST`) into a typed, validated {@link SignerConfig}. Every
 * problem is collected and reported at once, each naming its setting; the key's value never appears in a message.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { isAbsolute, resolve } from 'node:path';
import { BANK_CODES, MAX_AMOUNT_FEN, parseYuan } from '@jupay/core';
import { ConfigError, type ConfigProblem } from '../errors.ts';
import { redactSecrets } from './redact.ts';
import {
  parseGatewayAccounts,
  readGatewaysFile,
  writtenKeys,
  type GatewayAccount,
} from './gateway-accounts.ts';
import { httpUrl, integer, UNSAFE_URL_CHARS, type Fail } from './setting-values.ts';
import {
  DEFAULT_RECONCILE_SCHEDULE,
  DEFAULT_WEBHOOK_RETRY,
  parseDuration,
  parseReconcileSchedule,
  parseRetryDelays,
} from '../reconcile/schedule.ts';
import { DEFAULT_QUERY_RATE } from '../reconcile/query-rate.ts';

/** A payment method the merchant offers (`GET /api/config` `methods`). */
export interface BankMethod {
  code: string;
  name: string;
  nameEn: string;
}

/** A catalogue entry: the price is the server's, never the browser's. */
export interface Product {
  id: string;
  name: string;
  amountFen: number;
}

/** How gateway accounts are judged healthy (gateways/health-state.ts). */
export interface HealthSettings {
  /** `JUPAY_HEALTH_INTERVAL`: between two active probes of one account; 0 (`off`): no active probe. Default 30 s. */
  intervalMs: number;
  /** `JUPAY_HEALTH_TIMEOUT`: the active probe's timeout. Default 5 s. */
  timeoutMs: number;
  /** `JUPAY_HEALTH_FAILURES`: failures in a row that make an account unhealthy. Default 3. */
  failures: number;
  /** `JUPAY_HEALTH_SUCCESSES`: successes in a row that make an unhealthy account healthy again. Default 2. */
  successes: number;
}

/** The signer's settings, validated. Money is integer fen, durations are milliseconds. */
export interface SignerConfig {
  /**
   * The gateway accounts (config/gateway-accounts.ts), in the order listed: one, `default`, from the single-gateway
   * settings, or those of `JUPAY_GATEWAYS`.
   */
  gateways: GatewayAccount[];
  /** The accounts' health settings. */
  health: HealthSettings;
  /** `JUPAY_PUBLIC_URL` without a trailing slash: where the gateway and browsers reach this signer. */
  publicUrl: string;
  /** `${publicUrl}/api/notify`, sent as `pay_notifyurl`. */
  notifyUrl: string;
  /** `${publicUrl}/api/return`, sent as `pay_callbackurl`. */
  callbackUrl: string;
  /** `JUPAY_ALLOWED_ORIGINS`: browser origins allowed on the browser routes. */
  allowedOrigins: string[];
  /** `JUPAY_BANK_CODES`: the methods offered, in the order given. */
  methods: BankMethod[];
  /** `JUPAY_AMOUNT_MIN`, `JUPAY_AMOUNT_MAX`, `JUPAY_AMOUNT_PRESETS`. */
  amount: { minFen: number; maxFen: number; presetsFen: number[] };
  /** `JUPAY_PRODUCTS`: catalogue mode when set (checkout takes `{ product }`), else null. */
  products: Product[] | null;
  /** `JUPAY_PRODUCT_NAME`: `pay_productname` when checkout gives none. */
  defaultProductName: string;
  /** `JUPAY_RETURN_URL`: the merchant page the browser is sent back to, with `?orderId=`. */
  returnUrl: string;
  /**
   * `JUPAY_CANCEL_URL`: the merchant page the gateway's cancel (back) link leads to, sent as `pay_producturl` with
   * `?lang=` when the shopper's language is known. Default: the home page of the return page's site
   * (`https://shop.example/` for `https://shop.example/thanks`).
   */
  cancelUrl: string;
  /** `JUPAY_STORE`: an SQLite path (or `sqlite:path`) or a `postgres://` URL. */
  store: string;
  /** `PORT`, `HOST`. */
  port: number;
  host: string;
  /** `JUPAY_TRUSTED_PROXY_HEADER` (lower case), e.g. `x-forwarded-for`; null: the socket address is the client. */
  trustedProxyHeader: string | null;
  /** `JUPAY_RATE_LIMIT_CHECKOUT`, `JUPAY_RATE_LIMIT_STATUS` per `JUPAY_RATE_LIMIT_WINDOW`; 0 disables a limit. */
  rateLimit: { windowMs: number; checkout: number; status: number };
  /** `JUPAY_BODY_LIMIT`: the largest request body accepted, in bytes. */
  bodyLimitBytes: number;
  /** `JUPAY_LOG_LEVEL`. */
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /**
   * `JUPAY_RECONCILE_SCHEDULE`: when pending orders are queried at the gateway, as delays measured from the order's
   * creation, ascending (`1m,3m,6m,10m,20m,1h,3h,24h` by default; `off`: never). The reconciliation loop (reconcile/)
   * implements the behaviour.
   */
  reconcileSchedule: number[];
  /**
   * `JUPAY_QUERY_RATE`: the most order queries started per second at a gateway, shared by every instance on
   * PostgreSQL (reconcile/query-rate.ts); each account's cap unless it sets its own. Default 5.
   */
  queryRate: number;
  /** `JUPAY_WEBHOOK_URL`: where paid events are POSTed (webhook/sender.ts); null: no webhook. */
  webhookUrl: string | null;
  /** `JUPAY_WEBHOOK_SECRET`: the HMAC key of the webhook; required with a webhook URL. Never logged. */
  webhookSecret: string | null;
  /** `JUPAY_QUERY_TIMEOUT_MS`: the timeout of one gateway order query. Default 10000. */
  queryTimeoutMs: number;
  /** `JUPAY_UNVERIFIED_RETENTION_DAYS`: days unverified notifications (forgeries, garbage) are kept. Default 30. */
  unverifiedRetentionDays: number;
  /** `JUPAY_QUERY_LOG_RETENTION_DAYS`: days the log of gateway queries (shown per order in the console) is kept. Default 90. */
  queryLogRetentionDays: number;
  /** `JUPAY_WEBHOOK_RETRY`: delays after each failed webhook attempt, the last repeating. */
  webhookRetryMs: number[];
  /** `JUPAY_WEBHOOK_CONCURRENCY`: webhook deliveries in flight at once per instance. Default 4. */
  webhookConcurrency: number;
  /** `JUPAY_WORKER_POLL_MS`: how often idle background loops look for due work. Default 1000. */
  workerPollMs: number;
  /**
   * `JUPAY_ADMIN_TOKEN`: signs operators in to the console at `/admin` and authorizes `/metrics`; null: neither is
   * served on the public port. Never logged.
   */
  adminToken?: string | null;
  /** `JUPAY_ADMIN_PORT`: a second listener on 127.0.0.1 with only the console and `/metrics`; null: none. */
  adminPort?: number | null;
}

/** Where relative file settings (`JUPAY_KEY_FILE`, `JUPAY_PRODUCTS` as a path, `JUPAY_STORE`) are resolved. */
export interface LoadConfigOptions {
  cwd?: string;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
// A DNS name as RFC 1123 allows it: dot-separated labels of letters, digits and inner hyphens, 253 characters.
const HOSTNAME =
  /^(?=.{1,253}\.?$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;
// Each retry delay becomes a Date (now + delay); far beyond this it would overflow Date's range.
const MAX_RETRY_DELAY_MS = 30 * 86_400_000;

/**
 * Reads and validates the signer's settings. Throws {@link ConfigError} listing every missing or malformed setting.
 * @example
 * const config = loadConfig({
 *   JUPAY_MEMBER_ID: '10002', JUPAY_KEY_FILE: '/run/secrets/jupay-key',
 *   JUPAY_GATEWAY_URL: 'https://gw.example.com/Pay_Index.html', JUPAY_PUBLIC_URL: 'https://pay.shop.example',
 *   JUPAY_RETURN_URL: 'https://shop.example/thanks', JUPAY_BANK_CODES: '902,903',
 * });
 */
export function loadConfig(
  env: Record<string, string | undefined>,
  options: LoadConfigOptions = {},
): SignerConfig {
  const cwd = options.cwd ?? process.cwd();
  const problems: ConfigProblem[] = [];
  const fail = (setting: string, problem: string): undefined => {
    problems.push({ setting, problem });
    return undefined;
  };
  const get = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };

  // The gateway accounts: today's single-gateway settings, or JUPAY_GATEWAYS and each account's settings, which
  // may also come from JUPAY_GATEWAYS_FILE (the environment and the env file win over it).
  // They serve the offered bank codes, so those are read first; their problems are reported in their place below.
  const bankCodeProblems: ConfigProblem[] = [];
  const methods = parseBankCodes(get('JUPAY_BANK_CODES'), (setting, problem) => {
    bankCodeProblems.push({ setting, problem });
    return undefined;
  });
  const gatewaysFile = readGatewaysFile(env, cwd, fail);
  const accountEnv: Record<string, string | undefined> = { ...env };
  for (const [name, value] of Object.entries(gatewaysFile?.values ?? {})) {
    if (get(name) === undefined) accountEnv[name] = value;
  }
  const queryRate = integer(
    'JUPAY_QUERY_RATE',
    get('JUPAY_QUERY_RATE') ?? String(DEFAULT_QUERY_RATE),
    1,
    1000,
    fail,
  );
  const parsedAccounts = parseGatewayAccounts({
    env: accountEnv,
    cwd,
    offeredCodes: methods.map((m) => m.code),
    queryRate: queryRate ?? DEFAULT_QUERY_RATE,
    fail,
  });
  const gateways = parsedAccounts.accounts;
  const health = parseHealth(get, fail);

  const publicRaw = httpUrl('JUPAY_PUBLIC_URL', get('JUPAY_PUBLIC_URL'), fail, { required: true });
  let publicUrl: string | undefined;
  if (publicRaw !== undefined) {
    if (UNSAFE_URL_CHARS.test(publicRaw)) fail('JUPAY_PUBLIC_URL', 'must not contain & < > " \' or spaces');
    else publicUrl = publicRaw.replace(/\/+$/, '');
  }

  const returnUrl = httpUrl('JUPAY_RETURN_URL', get('JUPAY_RETURN_URL'), fail, {
    required: true,
    allowQuery: true,
  });

  // Unsigned, yet the gateway escapes every value it receives (docs/protocol.md#input-filter): a query string's
  // `&` would come back as `&amp;`. The signer adds the one parameter it needs (`?lang=`) itself.
  let cancelUrl = httpUrl('JUPAY_CANCEL_URL', get('JUPAY_CANCEL_URL'), fail, { required: false });
  if (cancelUrl !== undefined && UNSAFE_URL_CHARS.test(cancelUrl)) {
    cancelUrl = fail('JUPAY_CANCEL_URL', 'must not contain & < > " \' or spaces');
  } else if (cancelUrl === undefined && returnUrl !== undefined && get('JUPAY_CANCEL_URL') === undefined) {
    cancelUrl = new URL('/', returnUrl).href;
  }

  const allowedOrigins = parseOrigins(get('JUPAY_ALLOWED_ORIGINS'), [publicUrl, returnUrl], fail);
  problems.push(...bankCodeProblems);

  const minFen = yuan('JUPAY_AMOUNT_MIN', get('JUPAY_AMOUNT_MIN') ?? '0.01', fail);
  const maxFen = yuan('JUPAY_AMOUNT_MAX', get('JUPAY_AMOUNT_MAX') ?? '50000', fail);
  if (minFen !== undefined && maxFen !== undefined && minFen > maxFen) {
    fail('JUPAY_AMOUNT_MIN', 'must not be greater than JUPAY_AMOUNT_MAX');
  }
  const presetsFen: number[] = [];
  const presetsRaw = get('JUPAY_AMOUNT_PRESETS');
  if (presetsRaw !== undefined) {
    for (const [index, part] of presetsRaw.split(',').entries()) {
      const fen = yuan('JUPAY_AMOUNT_PRESETS', part.trim(), fail, `entry ${index + 1} `);
      if (fen === undefined) continue;
      if (minFen !== undefined && maxFen !== undefined && (fen < minFen || fen > maxFen)) {
        fail('JUPAY_AMOUNT_PRESETS', `entry ${index + 1} is outside JUPAY_AMOUNT_MIN..JUPAY_AMOUNT_MAX`);
      } else presetsFen.push(fen);
    }
  }

  const products = parseProducts(get('JUPAY_PRODUCTS'), cwd, fail);
  const defaultProductName = get('JUPAY_PRODUCT_NAME') ?? 'Order';
  if (defaultProductName.length > 100) fail('JUPAY_PRODUCT_NAME', 'must be at most 100 characters');

  const storeRaw = get('JUPAY_STORE') ?? './data/signer.db';
  const store = normalizeStore(storeRaw, cwd, fail);

  // A whole-number setting: read, defaulted and checked under one name, so the name in a message is the one read.
  const wholeNumber = (name: string, fallback: number, min: number, max: number) =>
    integer(name, get(name) ?? String(fallback), min, max, fail);

  const port = wholeNumber('PORT', 4200, 0, 65535);
  const host = get('HOST') ?? '127.0.0.1';
  // Listening on a name that is not one fails late with getaddrinfo's error; refuse it here, naming HOST.
  if (isIP(host) === 0 && !HOSTNAME.test(host)) {
    fail('HOST', 'must be an IP address (IPv6 without brackets) or a hostname such as localhost');
  }

  let trustedProxyHeader: string | null = null;
  const proxyHeader = get('JUPAY_TRUSTED_PROXY_HEADER');
  if (proxyHeader !== undefined) {
    if (!HEADER_NAME.test(proxyHeader)) fail('JUPAY_TRUSTED_PROXY_HEADER', 'must be an HTTP header name');
    else trustedProxyHeader = proxyHeader.toLowerCase();
  }

  const windowSeconds = wholeNumber('JUPAY_RATE_LIMIT_WINDOW', 60, 1, 86400);
  const checkoutLimit = wholeNumber('JUPAY_RATE_LIMIT_CHECKOUT', 20, 0, 1e9);
  const statusLimit = wholeNumber('JUPAY_RATE_LIMIT_STATUS', 120, 0, 1e9);
  const bodyLimitBytes = wholeNumber('JUPAY_BODY_LIMIT', 16384, 256, 1048576);

  const logLevelRaw = get('JUPAY_LOG_LEVEL') ?? 'info';
  const logLevel = (LOG_LEVELS as readonly string[]).includes(logLevelRaw)
    ? (logLevelRaw as SignerConfig['logLevel'])
    : fail('JUPAY_LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);

  const reconcileSchedule = parseSchedule(get('JUPAY_RECONCILE_SCHEDULE'), fail);
  // The schedule and retry parsers live in reconcile/schedule.ts, shared with the reconciliation loop.
  const queryTimeoutMs = wholeNumber('JUPAY_QUERY_TIMEOUT_MS', 10000, 100, 120_000);
  const unverifiedRetentionDays = wholeNumber('JUPAY_UNVERIFIED_RETENTION_DAYS', 30, 1, 3650);
  const queryLogRetentionDays = wholeNumber('JUPAY_QUERY_LOG_RETENTION_DAYS', 90, 1, 3650);
  const workerPollMs = wholeNumber('JUPAY_WORKER_POLL_MS', 1000, 10, 60_000);
  const webhookConcurrency = wholeNumber('JUPAY_WEBHOOK_CONCURRENCY', 4, 1, 20);
  let webhookRetryMs: number[] = [];
  try {
    webhookRetryMs = parseRetryDelays(get('JUPAY_WEBHOOK_RETRY') ?? DEFAULT_WEBHOOK_RETRY);
    if (webhookRetryMs.some((delay) => delay > MAX_RETRY_DELAY_MS)) {
      webhookRetryMs = [];
      fail('JUPAY_WEBHOOK_RETRY', 'has a delay over 30d (e.g. 5s,30s,2m,10m,30m,1h)');
    }
  } catch (error) {
    fail('JUPAY_WEBHOOK_RETRY', `${(error as Error).message} (e.g. 5s,30s,2m,10m,30m,1h)`);
  }

  const webhookUrl = httpUrl('JUPAY_WEBHOOK_URL', get('JUPAY_WEBHOOK_URL'), fail, {
    required: false,
    allowQuery: true,
  });
  const webhookSecret = get('JUPAY_WEBHOOK_SECRET');
  if (webhookUrl !== undefined && webhookSecret === undefined) {
    fail('JUPAY_WEBHOOK_SECRET', 'is required when JUPAY_WEBHOOK_URL is set');
  } else if (webhookSecret !== undefined && webhookSecret.length < 16) {
    fail('JUPAY_WEBHOOK_SECRET', 'must be at least 16 characters');
  }

  // The operator console and /metrics: a token for the public port, or a port of their own on 127.0.0.1.
  const adminToken = get('JUPAY_ADMIN_TOKEN');
  if (adminToken !== undefined && !/^[\x21-\x7e]{24,256}$/.test(adminToken)) {
    // Only the shape is described, never the value.
    fail(
      'JUPAY_ADMIN_TOKEN',
      'must be 24 to 256 printable ASCII characters without spaces (e.g. openssl rand -hex 32)',
    );
  }
  const adminPortRaw = get('JUPAY_ADMIN_PORT');
  const adminPort = adminPortRaw === undefined ? null : wholeNumber('JUPAY_ADMIN_PORT', 0, 0, 65535);
  if (adminPort !== null && adminPort !== undefined && adminPort !== 0 && adminPort === port) {
    fail('JUPAY_ADMIN_PORT', 'must differ from PORT');
  }

  if (problems.length > 0) {
    // Messages describe values rather than echo them; should one still hold a key or the webhook secret (pasted
    // into the wrong setting), it is cut out here, from setting names too (an account id is part of them).
    const secrets = [
      ...writtenKeys(accountEnv),
      ...parsedAccounts.keysRead,
      env.JUPAY_WEBHOOK_SECRET,
      webhookSecret,
      adminToken,
    ];
    throw new ConfigError(
      problems.map((p) => {
        // An account setting read from JUPAY_GATEWAYS_FILE: say so, with its line.
        const line = gatewaysFile && get(p.setting) === undefined ? gatewaysFile.lines[p.setting] : undefined;
        return {
          setting: redactSecrets(p.setting, secrets),
          problem: redactSecrets(p.problem, secrets),
          ...(line !== undefined ? { origin: `(${gatewaysFile!.file} line ${line})` } : {}),
        };
      }),
    );
  }
  return {
    gateways,
    health: health!,
    publicUrl: publicUrl!,
    notifyUrl: `${publicUrl!}/api/notify`,
    callbackUrl: `${publicUrl!}/api/return`,
    allowedOrigins,
    methods,
    amount: { minFen: minFen!, maxFen: maxFen!, presetsFen },
    products,
    defaultProductName,
    returnUrl: returnUrl!,
    cancelUrl: cancelUrl!,
    store: store!,
    port: port!,
    host,
    trustedProxyHeader,
    rateLimit: { windowMs: windowSeconds! * 1000, checkout: checkoutLimit!, status: statusLimit! },
    bodyLimitBytes: bodyLimitBytes!,
    logLevel: logLevel!,
    reconcileSchedule,
    queryRate: queryRate!,
    webhookUrl: webhookUrl ?? null,
    webhookSecret: webhookSecret ?? null,
    queryTimeoutMs: queryTimeoutMs!,
    unverifiedRetentionDays: unverifiedRetentionDays!,
    queryLogRetentionDays: queryLogRetentionDays!,
    webhookRetryMs,
    webhookConcurrency: webhookConcurrency!,
    workerPollMs: workerPollMs!,
    adminToken: adminToken ?? null,
    adminPort: adminPort ?? null,
  };
}

/**
 * The health settings of the gateway accounts (gateways/health-state.ts): how many failed queries in a row make an
 * account unhealthy, how many successes bring it back, and the active probe's interval and timeout.
 */
function parseHealth(get: (name: string) => string | undefined, fail: Fail): HealthSettings | undefined {
  const duration = (setting: string, fallback: string, min: number, max: number, allowOff: boolean) => {
    const raw = get(setting) ?? fallback;
    if (allowOff && raw === 'off') return 0;
    let ms: number;
    try {
      ms = parseDuration(raw);
    } catch {
      return fail(setting, `must be a duration such as 500ms, 30s or 1m${allowOff ? ', or off' : ''}`);
    }
    if (ms < min || ms > max) return fail(setting, `must be between ${min}ms and ${max / 1000}s`);
    return ms;
  };
  const intervalMs = duration('JUPAY_HEALTH_INTERVAL', '30s', 100, 3_600_000, true);
  const timeoutMs = duration('JUPAY_HEALTH_TIMEOUT', '5s', 100, 120_000, false);
  const failures = integer('JUPAY_HEALTH_FAILURES', get('JUPAY_HEALTH_FAILURES') ?? '3', 1, 100, fail);
  const successes = integer('JUPAY_HEALTH_SUCCESSES', get('JUPAY_HEALTH_SUCCESSES') ?? '2', 1, 100, fail);
  if ([intervalMs, timeoutMs, failures, successes].includes(undefined)) return undefined;
  return { intervalMs: intervalMs!, timeoutMs: timeoutMs!, failures: failures!, successes: successes! };
}

function parseOrigins(raw: string | undefined, defaults: (string | undefined)[], fail: Fail): string[] {
  if (raw === undefined) {
    const origins = defaults.filter((u): u is string => u !== undefined).map((u) => new URL(u).origin);
    return [...new Set(origins)];
  }
  const out: string[] = [];
  for (const [index, part] of raw.split(',').entries()) {
    const origin = part.trim();
    if (origin === '') continue;
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || parsed.origin !== origin.replace(/\/$/, '') || !/^https?:$/.test(parsed.protocol)) {
      fail('JUPAY_ALLOWED_ORIGINS', `entry ${index + 1} is not an origin like https://shop.example`);
    } else out.push(parsed.origin);
  }
  if (raw.split(',').every((part) => part.trim() === '')) {
    fail('JUPAY_ALLOWED_ORIGINS', 'must list at least one origin');
  }
  return [...new Set(out)];
}

function parseBankCodes(raw: string | undefined, fail: Fail): BankMethod[] {
  if (raw === undefined) {
    fail('JUPAY_BANK_CODES', 'is required, e.g. 902,903 (or 911:云闪付 for a code of your gateway)');
    return [];
  }
  const methods: BankMethod[] = [];
  for (const [index, part] of raw.split(',').entries()) {
    const item = part.trim();
    if (item === '') continue;
    const colon = item.indexOf(':');
    const code = colon < 0 ? item : item.slice(0, colon).trim();
    const customName = colon < 0 ? undefined : item.slice(colon + 1).trim();
    if (!/^\d{1,10}$/.test(code)) {
      fail('JUPAY_BANK_CODES', `entry ${index + 1} is not a bank code (digits, or digits:name)`);
      continue;
    }
    if (methods.some((m) => m.code === code)) {
      fail('JUPAY_BANK_CODES', `lists ${code} twice`);
      continue;
    }
    const known = BANK_CODES.find((b) => b.code === code);
    if (customName !== undefined && customName !== '') {
      methods.push({ code, name: customName, nameEn: known?.en ?? customName });
    } else if (known) {
      methods.push({ code, name: known.zh, nameEn: known.en });
    } else {
      fail('JUPAY_BANK_CODES', `has ${code}, which is not a known code: name it as ${code}:<name>`);
    }
  }
  if (raw.split(',').every((part) => part.trim() === '')) fail('JUPAY_BANK_CODES', 'lists no valid code');
  return methods;
}

function yuan(setting: string, raw: string, fail: Fail, entry = ''): number | undefined {
  let fen: number;
  try {
    fen = parseYuan(raw, setting);
  } catch {
    return fail(setting, `${entry}is not an amount in yuan with at most two decimals, e.g. 12.30`);
  }
  if (fen < 1 || fen > MAX_AMOUNT_FEN)
    return fail(setting, `${entry}must be between 0.01 and ${MAX_AMOUNT_FEN / 100}`);
  return fen;
}

function parseProducts(raw: string | undefined, cwd: string, fail: Fail): Product[] | null {
  if (raw === undefined) return null;
  let text = raw;
  if (!raw.startsWith('[')) {
    try {
      text = readFileSync(resolve(cwd, raw), 'utf8');
    } catch (error) {
      fail(
        'JUPAY_PRODUCTS',
        `is neither a JSON array nor a readable file (${(error as NodeJS.ErrnoException).code})`,
      );
      return null;
    }
  }
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch {
    fail('JUPAY_PRODUCTS', 'is not valid JSON');
    return null;
  }
  if (!Array.isArray(list) || list.length === 0) {
    fail('JUPAY_PRODUCTS', 'must be a non-empty JSON array of { id, name, amount }');
    return null;
  }
  const products: Product[] = [];
  list.forEach((item: unknown, index) => {
    const where = `entry ${index}`;
    if (typeof item !== 'object' || item === null) return fail('JUPAY_PRODUCTS', `${where} is not an object`);
    const { id, name, amount } = item as Record<string, unknown>;
    if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(id)) {
      return fail('JUPAY_PRODUCTS', `${where}: id must be 1-64 of A-Z a-z 0-9 _ -`);
    }
    if (products.some((p) => p.id === id)) return fail('JUPAY_PRODUCTS', `${where}: id ${id} is repeated`);
    if (typeof name !== 'string' || name.trim() === '' || name.length > 100) {
      return fail('JUPAY_PRODUCTS', `${where}: name must be 1-100 characters`);
    }
    if (typeof amount !== 'string') {
      return fail('JUPAY_PRODUCTS', `${where}: amount must be a yuan string such as "12.30"`);
    }
    const amountFen = yuan('JUPAY_PRODUCTS', amount, fail);
    if (amountFen !== undefined) products.push({ id, name, amountFen });
    return undefined;
  });
  return products;
}

function normalizeStore(raw: string, cwd: string, fail: Fail): string | undefined {
  if (/^postgres(ql)?:\/\//.test(raw)) return raw;
  const path = raw.startsWith('sqlite:') ? raw.slice('sqlite:'.length) : raw;
  if (path === '' || /^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
    return fail('JUPAY_STORE', 'must be an SQLite file path, sqlite:<path> or a postgres:// URL');
  }
  if (path === ':memory:') return path;
  return isAbsolute(path) ? path : resolve(cwd, path);
}

function parseSchedule(raw: string | undefined, fail: Fail): number[] {
  // One parser for the whole signer (reconcile/schedule.ts): units `ms` to `d`, and `1h*24` repeats.
  try {
    return parseReconcileSchedule(raw ?? DEFAULT_RECONCILE_SCHEDULE);
  } catch (error) {
    fail('JUPAY_RECONCILE_SCHEDULE', `${(error as Error).message}; e.g. 1m,3m,10m,30m,1h*24 or "off"`);
    return [];
  }
}
