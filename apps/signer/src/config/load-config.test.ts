/** @module config/load-config.test — every setting's default, parse and refusal. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.ts';
import { baseEnv } from '../../test/helpers/signer-harness.ts';
import { TEST_KEY } from '../../test/helpers/notifications.ts';
import { loadConfig } from './load-config.ts';

const dir = mkdtempSync(join(tmpdir(), 'jupay-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problemsOf(env: Record<string, string | undefined>): { setting: string; problem: string }[] {
  try {
    loadConfig(env, { cwd: dir });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const e = error as ConfigError;
    expect(e.message).not.toContain(TEST_KEY);
    return [...e.problems];
  }
  throw new Error('loadConfig accepted the environment');
}

function settingsAtFault(env: Record<string, string | undefined>): string[] {
  return problemsOf(env).map((p) => p.setting);
}

describe('loadConfig', () => {
  it('derives URLs and fills defaults', () => {
    const config = loadConfig(
      baseEnv({
        JUPAY_PUBLIC_URL: 'https://pay.shop.example/jupay/',
        JUPAY_ALLOWED_ORIGINS: undefined,
        JUPAY_AMOUNT_MIN: undefined,
        JUPAY_AMOUNT_MAX: undefined,
        JUPAY_STORE: undefined,
      }),
      { cwd: dir },
    );
    expect(config.gateways[0]).toMatchObject({
      memberId: '10002',
      key: TEST_KEY,
      paymentUrl: 'http://gateway.test/Pay_Index.html',
      queryUrl: 'http://gateway.test/Pay_Trade_query.html',
    });
    expect(config).toMatchObject({
      publicUrl: 'https://pay.shop.example/jupay',
      notifyUrl: 'https://pay.shop.example/jupay/api/notify',
      callbackUrl: 'https://pay.shop.example/jupay/api/return',
      // The cancel link's default: the home page of the return page's site.
      cancelUrl: 'https://shop.example/',
      // Default allowlist: the signer's own origin and the merchant's return page origin.
      allowedOrigins: ['https://pay.shop.example', 'https://shop.example'],
      methods: [
        { code: '902', name: '微信扫码支付', nameEn: 'WeChat Pay QR code' },
        { code: '903', name: '支付宝扫码支付', nameEn: 'Alipay QR code' },
      ],
      amount: { minFen: 1, maxFen: 5_000_000, presetsFen: [] },
      products: null,
      defaultProductName: 'Order',
      store: join(dir, 'data/signer.db'),
      port: 4200,
      host: '127.0.0.1',
      trustedProxyHeader: null,
      rateLimit: { windowMs: 60_000, checkout: 20, status: 120 },
      bodyLimitBytes: 16_384,
      logLevel: 'info',
      webhookUrl: null,
      webhookSecret: null,
      webhookConcurrency: 4,
    });
    expect(config.reconcileSchedule.slice(0, 5)).toEqual([60_000, 180_000, 360_000, 600_000, 1_200_000]);
    expect(config.reconcileSchedule).toHaveLength(8);
    expect(config.reconcileSchedule.at(-1)).toBe(24 * 3_600_000);
  });

  it('parses every optional setting', () => {
    const config = loadConfig(
      baseEnv({
        JUPAY_QUERY_URL: 'https://gw.example/q.php',
        JUPAY_ALLOWED_ORIGINS: 'https://a.example, http://localhost:8080/',
        JUPAY_BANK_CODES: '903,911:云闪付',
        JUPAY_AMOUNT_MIN: '1',
        JUPAY_AMOUNT_MAX: '99.99',
        JUPAY_AMOUNT_PRESETS: '1, 9.9,99.99',
        JUPAY_PRODUCT_NAME: 'VIP',
        JUPAY_STORE: 'sqlite:rel/x.db',
        PORT: '0',
        HOST: '0.0.0.0',
        JUPAY_TRUSTED_PROXY_HEADER: 'X-Forwarded-For',
        JUPAY_RATE_LIMIT_WINDOW: '10',
        JUPAY_RATE_LIMIT_CHECKOUT: '0',
        JUPAY_RATE_LIMIT_STATUS: '5',
        JUPAY_BODY_LIMIT: '1024',
        JUPAY_LOG_LEVEL: 'warn',
        JUPAY_RECONCILE_SCHEDULE: '30s,2m,1h',
        JUPAY_WEBHOOK_URL: 'https://shop.example/hooks/paid?token=1',
        JUPAY_WEBHOOK_SECRET: 'whsec-0123456789abcdef',
        JUPAY_UNVERIFIED_RETENTION_DAYS: '7',
        JUPAY_QUERY_LOG_RETENTION_DAYS: '14',
        JUPAY_CANCEL_URL: 'https://shop.example/tea/oolong',
        JUPAY_WEBHOOK_CONCURRENCY: '1',
      }),
      { cwd: dir },
    );
    expect(config.gateways[0]!.queryUrl).toBe('https://gw.example/q.php');
    expect(config).toMatchObject({
      unverifiedRetentionDays: 7,
      queryLogRetentionDays: 14,
      cancelUrl: 'https://shop.example/tea/oolong',
      webhookConcurrency: 1,
      allowedOrigins: ['https://a.example', 'http://localhost:8080'],
      methods: [
        { code: '903', name: '支付宝扫码支付', nameEn: 'Alipay QR code' },
        { code: '911', name: '云闪付', nameEn: '云闪付' },
      ],
      amount: { minFen: 100, maxFen: 9999, presetsFen: [100, 990, 9999] },
      defaultProductName: 'VIP',
      store: join(dir, 'rel/x.db'),
      port: 0,
      host: '0.0.0.0',
      trustedProxyHeader: 'x-forwarded-for',
      rateLimit: { windowMs: 10_000, checkout: 0, status: 5 },
      bodyLimitBytes: 1024,
      logLevel: 'warn',
      reconcileSchedule: [30_000, 120_000, 3_600_000],
      webhookUrl: 'https://shop.example/hooks/paid?token=1',
      webhookSecret: 'whsec-0123456789abcdef',
    });
    expect(loadConfig(baseEnv({ JUPAY_STORE: 'postgres://u@db/jupay' })).store).toBe('postgres://u@db/jupay');
    expect(loadConfig(baseEnv({ JUPAY_RECONCILE_SCHEDULE: 'off' })).reconcileSchedule).toEqual([]);
  });

  it('signs in the standard dialect unless JUPAY_SIGN_DIALECT says legacy', () => {
    expect(loadConfig(baseEnv()).gateways[0]!.dialect).toBe('standard');
    expect(loadConfig(baseEnv({ JUPAY_SIGN_DIALECT: 'legacy' })).gateways[0]!.dialect).toBe('legacy');
    expect(loadConfig(baseEnv({ JUPAY_SIGN_DIALECT: 'standard' })).gateways[0]!.dialect).toBe('standard');
    expect(problemsOf(baseEnv({ JUPAY_SIGN_DIALECT: '=>' }))).toEqual([
      { setting: 'JUPAY_SIGN_DIALECT', problem: 'must be standard or legacy' },
    ]);
  });

  it('reads the key from a file, trimming one final newline only', () => {
    writeFileSync(join(dir, 'key'), `${TEST_KEY}\n`);
    const config = loadConfig(baseEnv({ JUPAY_KEY: undefined, JUPAY_KEY_FILE: 'key' }), { cwd: dir });
    expect(config.gateways[0]!.key).toBe(TEST_KEY);
    writeFileSync(join(dir, 'key-space'), `${TEST_KEY} \n`);
    expect(settingsAtFault(baseEnv({ JUPAY_KEY: undefined, JUPAY_KEY_FILE: 'key-space' }))).toEqual([
      'JUPAY_KEY_FILE',
    ]);
  });

  it('reads a product catalogue inline or from a file', () => {
    const list = '[{"id":"vip","name":"VIP 会员","amount":"12.30"},{"id":"pro","name":"Pro","amount":"99"}]';
    writeFileSync(join(dir, 'products.json'), list);
    const expected = [
      { id: 'vip', name: 'VIP 会员', amountFen: 1230 },
      { id: 'pro', name: 'Pro', amountFen: 9900 },
    ];
    expect(loadConfig(baseEnv({ JUPAY_PRODUCTS: list })).products).toEqual(expected);
    expect(loadConfig(baseEnv({ JUPAY_PRODUCTS: 'products.json' }), { cwd: dir }).products).toEqual(expected);
  });

  it('reports every problem at once, each naming its setting', () => {
    const error = (() => {
      try {
        loadConfig({});
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('accepted an empty environment');
    })();
    expect(error.problems.map((p) => p.setting)).toEqual([
      'JUPAY_MEMBER_ID',
      'JUPAY_KEY',
      'JUPAY_GATEWAY_URL',
      'JUPAY_PUBLIC_URL',
      'JUPAY_RETURN_URL',
      'JUPAY_BANK_CODES',
    ]);
    expect(error.setting).toBe('JUPAY_MEMBER_ID');
    expect(error.message).toMatch(
      /^invalid configuration: JUPAY_MEMBER_ID is required; JUPAY_KEY is required/,
    );
  });

  const refusals: [string, Record<string, string | undefined>, string, RegExp][] = [
    ['member id with a leading zero', { JUPAY_MEMBER_ID: '010002' }, 'JUPAY_MEMBER_ID', /leading zero/],
    ['member id not digits', { JUPAY_MEMBER_ID: 'abc' }, 'JUPAY_MEMBER_ID', /digits/],
    ['both key settings', { JUPAY_KEY_FILE: 'key' }, 'JUPAY_KEY', /both set/],
    ['unreadable key file', { JUPAY_KEY: undefined, JUPAY_KEY_FILE: 'nope' }, 'JUPAY_KEY_FILE', /ENOENT/],
    ['short key', { JUPAY_KEY: 'abc' }, 'JUPAY_KEY', /8 to 256/],
    [
      'key with a space inside',
      { JUPAY_KEY: `${TEST_KEY.slice(0, 10)} ${TEST_KEY.slice(10)}` },
      'JUPAY_KEY',
      /printable/,
    ],
    ['gateway URL not a URL', { JUPAY_GATEWAY_URL: 'gateway' }, 'JUPAY_GATEWAY_URL', /absolute/],
    ['gateway URL not http', { JUPAY_GATEWAY_URL: 'ftp://gw/x' }, 'JUPAY_GATEWAY_URL', /http/],
    [
      'gateway URL with a query',
      { JUPAY_GATEWAY_URL: 'http://gw/Pay_Index.html?a=1' },
      'JUPAY_GATEWAY_URL',
      /query/,
    ],
    [
      'gateway URL with credentials',
      { JUPAY_GATEWAY_URL: 'http://u:p@gw/x' },
      'JUPAY_GATEWAY_URL',
      /credentials/,
    ],
    ['query URL with a fragment', { JUPAY_QUERY_URL: 'http://gw/q#x' }, 'JUPAY_QUERY_URL', /fragment/],
    [
      'public URL with a query',
      { JUPAY_PUBLIC_URL: 'https://pay.example/?x=1' },
      'JUPAY_PUBLIC_URL',
      /query/,
    ],
    [
      'public URL with a quote',
      { JUPAY_PUBLIC_URL: "https://pay.example/a'b" },
      'JUPAY_PUBLIC_URL',
      /must not contain/,
    ],
    ['return URL relative', { JUPAY_RETURN_URL: '/thanks' }, 'JUPAY_RETURN_URL', /absolute/],
    ['cancel URL relative', { JUPAY_CANCEL_URL: '/shop' }, 'JUPAY_CANCEL_URL', /absolute/],
    // The gateway escapes `&` in every value it receives, and the signer adds `?lang=` itself.
    [
      'cancel URL with a query',
      { JUPAY_CANCEL_URL: 'https://shop.example/?a=1' },
      'JUPAY_CANCEL_URL',
      /query/,
    ],
    [
      'cancel URL with a quote',
      { JUPAY_CANCEL_URL: "https://shop.example/a'b" },
      'JUPAY_CANCEL_URL',
      /must not contain/,
    ],
    [
      'origin with a path',
      { JUPAY_ALLOWED_ORIGINS: 'https://shop.example/page' },
      'JUPAY_ALLOWED_ORIGINS',
      /not an origin/,
    ],
    ['origin wildcard', { JUPAY_ALLOWED_ORIGINS: '*' }, 'JUPAY_ALLOWED_ORIGINS', /^entry 1 is not an origin/],
    ['no origins', { JUPAY_ALLOWED_ORIGINS: ',' }, 'JUPAY_ALLOWED_ORIGINS', /at least one/],
    ['unknown bank code without a name', { JUPAY_BANK_CODES: '903,911' }, 'JUPAY_BANK_CODES', /911:<name>/],
    [
      'bank code not numeric',
      { JUPAY_BANK_CODES: '903,alipay' },
      'JUPAY_BANK_CODES',
      /^entry 2 is not a bank code/,
    ],
    ['bank code twice', { JUPAY_BANK_CODES: '903,903' }, 'JUPAY_BANK_CODES', /twice/],
    ['no bank codes', { JUPAY_BANK_CODES: ',' }, 'JUPAY_BANK_CODES', /no valid code/],
    ['amount with 3 decimals', { JUPAY_AMOUNT_MIN: '0.001' }, 'JUPAY_AMOUNT_MIN', /two decimals/],
    ['amount zero', { JUPAY_AMOUNT_MIN: '0' }, 'JUPAY_AMOUNT_MIN', /between/],
    ['amount too large', { JUPAY_AMOUNT_MAX: '99999999' }, 'JUPAY_AMOUNT_MAX', /between/],
    ['min above max', { JUPAY_AMOUNT_MIN: '10', JUPAY_AMOUNT_MAX: '5' }, 'JUPAY_AMOUNT_MIN', /greater/],
    [
      'preset out of bounds',
      { JUPAY_AMOUNT_PRESETS: '1,6000' },
      'JUPAY_AMOUNT_PRESETS',
      /^entry 2 is outside/,
    ],
    [
      'preset malformed',
      { JUPAY_AMOUNT_PRESETS: '1,abc' },
      'JUPAY_AMOUNT_PRESETS',
      /^entry 2 is not an amount/,
    ],
    ['products bad JSON', { JUPAY_PRODUCTS: '[{' }, 'JUPAY_PRODUCTS', /not valid JSON/],
    ['products missing file', { JUPAY_PRODUCTS: 'nope.json' }, 'JUPAY_PRODUCTS', /readable file/],
    ['products empty', { JUPAY_PRODUCTS: '[]' }, 'JUPAY_PRODUCTS', /non-empty/],
    [
      'product bad id',
      { JUPAY_PRODUCTS: '[{"id":"a b","name":"x","amount":"1"}]' },
      'JUPAY_PRODUCTS',
      /id must/,
    ],
    [
      'product repeated id',
      { JUPAY_PRODUCTS: '[{"id":"a","name":"x","amount":"1"},{"id":"a","name":"y","amount":"1"}]' },
      'JUPAY_PRODUCTS',
      /repeated/,
    ],
    [
      'product numeric amount',
      { JUPAY_PRODUCTS: '[{"id":"a","name":"x","amount":1.1}]' },
      'JUPAY_PRODUCTS',
      /yuan string/,
    ],
    ['product without name', { JUPAY_PRODUCTS: '[{"id":"a","amount":"1"}]' }, 'JUPAY_PRODUCTS', /name must/],
    ['product name too long', { JUPAY_PRODUCT_NAME: 'x'.repeat(101) }, 'JUPAY_PRODUCT_NAME', /100/],
    ['store URL of another scheme', { JUPAY_STORE: 'mysql://db/x' }, 'JUPAY_STORE', /SQLite file path/],
    ['port not a number', { PORT: 'http' }, 'PORT', /whole number/],
    ['port too large', { PORT: '70000' }, 'PORT', /between/],
    [
      'proxy header not a header',
      { JUPAY_TRUSTED_PROXY_HEADER: 'x forwarded' },
      'JUPAY_TRUSTED_PROXY_HEADER',
      /header name/,
    ],
    ['rate limit negative', { JUPAY_RATE_LIMIT_CHECKOUT: '-1' }, 'JUPAY_RATE_LIMIT_CHECKOUT', /whole number/],
    [
      'status limit not a number',
      { JUPAY_RATE_LIMIT_STATUS: 'lots' },
      'JUPAY_RATE_LIMIT_STATUS',
      /whole number/,
    ],
    ['window zero', { JUPAY_RATE_LIMIT_WINDOW: '0' }, 'JUPAY_RATE_LIMIT_WINDOW', /between/],
    ['body limit too small', { JUPAY_BODY_LIMIT: '10' }, 'JUPAY_BODY_LIMIT', /between/],
    ['log level unknown', { JUPAY_LOG_LEVEL: 'loud' }, 'JUPAY_LOG_LEVEL', /one of/],
    [
      'schedule malformed',
      { JUPAY_RECONCILE_SCHEDULE: '1m,soon' },
      'JUPAY_RECONCILE_SCHEDULE',
      /^entry 2 is not a duration/,
    ],
    [
      'schedule not ascending',
      { JUPAY_RECONCILE_SCHEDULE: '3m,1m' },
      'JUPAY_RECONCILE_SCHEDULE',
      /ascending/,
    ],
    [
      'webhook without a secret',
      { JUPAY_WEBHOOK_URL: 'https://shop.example/hook' },
      'JUPAY_WEBHOOK_SECRET',
      /required/,
    ],
    ['webhook secret too short', { JUPAY_WEBHOOK_SECRET: 'short' }, 'JUPAY_WEBHOOK_SECRET', /16/],
    ['host with a space', { HOST: 'not a host' }, 'HOST', /IP address .* or a hostname/],
    ['host given as a URL', { HOST: 'http://0.0.0.0' }, 'HOST', /hostname/],
    ['host in brackets', { HOST: '[::1]' }, 'HOST', /without brackets/],
    ['host label too long', { HOST: `${'a'.repeat(64)}.example` }, 'HOST', /hostname/],
    ['host with a port', { HOST: '127.0.0.1:4200' }, 'HOST', /hostname/],
    ['query timeout zero', { JUPAY_QUERY_TIMEOUT_MS: '0' }, 'JUPAY_QUERY_TIMEOUT_MS', /between 100 and/],
    [
      'retention of zero days',
      { JUPAY_UNVERIFIED_RETENTION_DAYS: '0' },
      'JUPAY_UNVERIFIED_RETENTION_DAYS',
      /between 1 and/,
    ],
    [
      'query log kept zero days',
      { JUPAY_QUERY_LOG_RETENTION_DAYS: '0' },
      'JUPAY_QUERY_LOG_RETENTION_DAYS',
      /between 1 and/,
    ],
    [
      'query timeout with a unit',
      { JUPAY_QUERY_TIMEOUT_MS: '10s' },
      'JUPAY_QUERY_TIMEOUT_MS',
      /whole number/,
    ],
    ['query timeout too long', { JUPAY_QUERY_TIMEOUT_MS: '600000' }, 'JUPAY_QUERY_TIMEOUT_MS', /and 120000/],
    ['worker poll too fast', { JUPAY_WORKER_POLL_MS: '1' }, 'JUPAY_WORKER_POLL_MS', /between 10 and/],
    ['worker poll negative', { JUPAY_WORKER_POLL_MS: '-5' }, 'JUPAY_WORKER_POLL_MS', /whole number/],
    ['worker poll fractional', { JUPAY_WORKER_POLL_MS: '1.5' }, 'JUPAY_WORKER_POLL_MS', /whole number/],
    [
      'webhook retry not a duration',
      { JUPAY_WEBHOOK_RETRY: '5s,soon' },
      'JUPAY_WEBHOOK_RETRY',
      /^entry 2 is not a duration/,
    ],
    ['webhook retry zero', { JUPAY_WEBHOOK_RETRY: '0s' }, 'JUPAY_WEBHOOK_RETRY', /positive/],
    [
      'webhook concurrency zero',
      { JUPAY_WEBHOOK_CONCURRENCY: '0' },
      'JUPAY_WEBHOOK_CONCURRENCY',
      /between 1 and 20/,
    ],
    ['webhook retry empty entry', { JUPAY_WEBHOOK_RETRY: '5s,,1m' }, 'JUPAY_WEBHOOK_RETRY', /not a duration/],
    ['webhook retry repeat zero', { JUPAY_WEBHOOK_RETRY: '1m*0' }, 'JUPAY_WEBHOOK_RETRY', /positive/],
    // 99999999 days from now is past the largest Date: the outbox row could not be scheduled.
    ['webhook retry beyond a Date', { JUPAY_WEBHOOK_RETRY: '5s,99999999d' }, 'JUPAY_WEBHOOK_RETRY', /30d/],
    ...(
      [
        ['not a URL', 'not a url'],
        ['not http', 'ftp://shop.example/hook'],
        ['with one slash', 'http:/shop.example/hook'],
        ['with a space', 'https://shop.example/my hook'],
        ['without a host', 'https://'],
        ['with credentials', 'https://u:p@shop.example/hook'],
        ['with a fragment', 'https://shop.example/hook#x'],
      ] as const
    ).map(([name, url]): [string, Record<string, string>, string, RegExp] => [
      `webhook URL ${name}`,
      { JUPAY_WEBHOOK_URL: url, JUPAY_WEBHOOK_SECRET: 'whsec-0123456789abcdef' },
      'JUPAY_WEBHOOK_URL',
      /http\(s\) URL|credentials|fragment/,
    ]),
  ];

  it('accepts IP addresses and hostnames as HOST', () => {
    for (const host of [
      '0.0.0.0',
      '::',
      '::1',
      'fe80::1',
      'localhost',
      'signer-1.internal',
      'pay.example.com.',
    ]) {
      expect(loadConfig(baseEnv({ HOST: host }), { cwd: dir }).host).toBe(host);
    }
  });

  it.each(refusals)('refuses %s', (_name, overrides, setting, problem) => {
    writeFileSync(join(dir, 'key'), TEST_KEY);
    const problems = problemsOf(baseEnv(overrides));
    expect(problems.map((p) => p.setting)).toEqual([setting]);
    expect(problems[0]!.problem).toMatch(problem);
  });

  it('never puts the key in a message, even a malformed one', () => {
    const bad = `${TEST_KEY}\u00e9`;
    const problems = problemsOf(baseEnv({ JUPAY_KEY: bad }));
    expect(problems).toHaveLength(1);
    expect(JSON.stringify(problems)).not.toContain(TEST_KEY);
  });
});

describe('loadConfig: the operator console and metrics', () => {
  it('has neither by default', () => {
    expect(loadConfig(baseEnv())).toMatchObject({ adminToken: null, adminPort: null });
  });

  it('reads the admin token and the admin port', () => {
    const config = loadConfig(
      baseEnv({ JUPAY_ADMIN_TOKEN: 'adm1n-t0ken-for-tests-0123456789', JUPAY_ADMIN_PORT: '4201' }),
    );
    expect(config).toMatchObject({ adminToken: 'adm1n-t0ken-for-tests-0123456789', adminPort: 4201 });
  });

  it('refuses a short or spaced token without echoing it, and a port that is not one or is PORT', () => {
    const problems = problemsOf(
      baseEnv({ JUPAY_ADMIN_TOKEN: 'short secret', JUPAY_ADMIN_PORT: '4200', PORT: '4200' }),
    );
    expect(problems).toEqual([
      {
        setting: 'JUPAY_ADMIN_TOKEN',
        problem: 'must be 24 to 256 printable ASCII characters without spaces (e.g. openssl rand -hex 32)',
      },
      { setting: 'JUPAY_ADMIN_PORT', problem: 'must differ from PORT' },
    ]);
    expect(settingsAtFault(baseEnv({ JUPAY_ADMIN_PORT: 'admin' }))).toEqual(['JUPAY_ADMIN_PORT']);
    expect(settingsAtFault(baseEnv({ JUPAY_ADMIN_PORT: '70000' }))).toEqual(['JUPAY_ADMIN_PORT']);
  });
});
