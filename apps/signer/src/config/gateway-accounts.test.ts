/**
 * @module config/gateway-accounts.test
 * The gateway accounts through `loadConfig`: today's single-gateway settings as the account `default`; several
 * accounts from `JUPAY_GATEWAYS` and per-id settings, in the environment or in `JUPAY_GATEWAYS_FILE`; every
 * refusal naming the account's setting (and the file's line), never a key; the health settings.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_KEY } from '../../test/helpers/notifications.ts';
import { baseEnv } from '../../test/helpers/signer-harness.ts';
import { ConfigError } from '../errors.ts';
import { loadSignerConfig } from './config-source.ts';
import { accountSetting, ACCOUNT_SETTINGS, DEFAULT_ACCOUNT_ID } from './gateway-accounts.ts';
import { loadConfig } from './load-config.ts';

const dir = mkdtempSync(join(tmpdir(), 'jupay-accounts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const A_KEY = 'key-of-account-a-0123456789';
const B_KEY = 'key-of-account-b-9876543210';
writeFileSync(join(dir, 'b.key'), `${B_KEY}\n`);

/** The base environment without the single-gateway settings, plus two accounts. */
function twoAccounts(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return baseEnv({
    JUPAY_MEMBER_ID: undefined,
    JUPAY_KEY: undefined,
    JUPAY_GATEWAY_URL: undefined,
    JUPAY_BANK_CODES: '902,903,904',
    JUPAY_GATEWAYS: 'a,b',
    JUPAY_GATEWAY_A_PAYMENT_URL: 'https://gw-a.example/Pay_Index.html',
    JUPAY_GATEWAY_A_MEMBER_ID: '10002',
    JUPAY_GATEWAY_A_KEY: A_KEY,
    JUPAY_GATEWAY_B_NAME: '备用通道 B',
    JUPAY_GATEWAY_B_PAYMENT_URL: 'https://gw-b.example/pay/Pay_Index.html',
    JUPAY_GATEWAY_B_QUERY_URL: 'https://query.gw-b.example/Pay_Trade_query.html',
    JUPAY_GATEWAY_B_MEMBER_ID: '20001',
    JUPAY_GATEWAY_B_KEY_FILE: 'b.key',
    JUPAY_GATEWAY_B_DIALECT: 'legacy',
    JUPAY_GATEWAY_B_BANK_CODES: '903, 904',
    JUPAY_GATEWAY_B_PRIORITY: '2',
    JUPAY_GATEWAY_B_WEIGHT: '30',
    JUPAY_GATEWAY_B_QUERY_RATE: '2',
    ...overrides,
  });
}

/** The problems of an environment that must be refused; none may hold a key. */
function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env, { cwd: dir });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const e = error as ConfigError;
    for (const key of [A_KEY, B_KEY, TEST_KEY]) expect(e.message).not.toContain(key);
    return e.problems.map((p) => `${p.setting}${p.origin ? ` ${p.origin}` : ''} ${p.problem}`);
  }
  throw new Error('loadConfig accepted the environment');
}

describe('one gateway: the single-gateway settings', () => {
  it('are the account default, serving every offered bank code', () => {
    const config = loadConfig(baseEnv({ JUPAY_SIGN_DIALECT: 'legacy' }), { cwd: dir });
    expect(config.gateways).toEqual([
      {
        id: DEFAULT_ACCOUNT_ID,
        name: 'default',
        paymentUrl: 'http://gateway.test/Pay_Index.html',
        queryUrl: 'http://gateway.test/Pay_Trade_query.html',
        memberId: '10002',
        key: TEST_KEY,
        dialect: 'legacy',
        bankCodes: ['902', '903'],
        priority: 1,
        weight: 1,
        queryRate: 5,
      },
    ]);
  });

  it('refuse an account setting without JUPAY_GATEWAYS', () => {
    expect(problemsOf(baseEnv({ JUPAY_GATEWAY_A_KEY: A_KEY }))).toEqual([
      'JUPAY_GATEWAY_A_KEY is an account setting, but JUPAY_GATEWAYS (the list of account ids) is not set',
    ]);
  });
});

describe('several gateways: JUPAY_GATEWAYS and per-id settings', () => {
  it('reads every account in the order listed, with defaults', () => {
    const config = loadConfig(twoAccounts(), { cwd: dir });
    expect(config.gateways).toEqual([
      {
        id: 'a',
        name: 'a',
        paymentUrl: 'https://gw-a.example/Pay_Index.html',
        queryUrl: 'https://gw-a.example/Pay_Trade_query.html',
        memberId: '10002',
        key: A_KEY,
        dialect: 'standard',
        bankCodes: ['902', '903', '904'],
        priority: 1,
        weight: 1,
        queryRate: 5,
      },
      {
        id: 'b',
        name: '备用通道 B',
        paymentUrl: 'https://gw-b.example/pay/Pay_Index.html',
        queryUrl: 'https://query.gw-b.example/Pay_Trade_query.html',
        memberId: '20001',
        key: B_KEY,
        dialect: 'legacy',
        bankCodes: ['903', '904'],
        priority: 2,
        weight: 30,
        queryRate: 2,
      },
    ]);
  });

  it('takes ids in any case (stored lower-case) and two accounts may share a member id', () => {
    const config = loadConfig(
      twoAccounts({
        JUPAY_GATEWAYS: ' A , b ',
        JUPAY_GATEWAY_B_MEMBER_ID: '10002',
      }),
      { cwd: dir },
    );
    expect(config.gateways.map((a) => [a.id, a.memberId])).toEqual([
      ['a', '10002'],
      ['b', '10002'],
    ]);
  });

  it('gives each account JUPAY_QUERY_RATE as its query rate cap unless it sets its own', () => {
    const config = loadConfig(twoAccounts({ JUPAY_QUERY_RATE: '3' }), { cwd: dir });
    expect(config.gateways.map((a) => [a.id, a.queryRate])).toEqual([
      ['a', 3],
      ['b', 2],
    ]);
  });

  it('names the account and the setting of every problem', () => {
    expect(
      problemsOf(
        twoAccounts({
          JUPAY_GATEWAY_A_PAYMENT_URL: undefined,
          JUPAY_GATEWAY_A_MEMBER_ID: '010002',
          JUPAY_GATEWAY_A_KEY_FILE: 'b.key',
          JUPAY_GATEWAY_B_KEY_FILE: 'missing.key',
          JUPAY_GATEWAY_B_QUERY_URL: 'https://q.example/Pay_Trade_query.html?x=1',
          JUPAY_GATEWAY_B_DIALECT: 'old',
          JUPAY_GATEWAY_B_BANK_CODES: '903,905,x',
          JUPAY_GATEWAY_B_PRIORITY: '-1',
          JUPAY_GATEWAY_B_WEIGHT: '0',
          JUPAY_GATEWAY_B_QUERY_RATE: '1001',
          JUPAY_GATEWAY_B_NAME: 'n'.repeat(65),
        }),
      ),
    ).toEqual([
      'JUPAY_GATEWAY_A_MEMBER_ID must be digits without a leading zero',
      'JUPAY_GATEWAY_A_KEY and JUPAY_GATEWAY_A_KEY_FILE are both set: use one',
      'JUPAY_GATEWAY_A_PAYMENT_URL is required',
      'JUPAY_GATEWAY_B_KEY_FILE cannot be read (ENOENT)',
      'JUPAY_GATEWAY_B_QUERY_URL must not contain a query string',
      'JUPAY_GATEWAY_B_DIALECT must be standard or legacy',
      'JUPAY_GATEWAY_B_NAME must be at most 64 characters without control characters',
      'JUPAY_GATEWAY_B_BANK_CODES has 905, which JUPAY_BANK_CODES does not offer',
      'JUPAY_GATEWAY_B_BANK_CODES has an entry that is not a bank code (digits only; names belong in JUPAY_BANK_CODES)',
      'JUPAY_GATEWAY_B_PRIORITY must be a whole number',
      'JUPAY_GATEWAY_B_WEIGHT must be between 1 and 1000',
      'JUPAY_GATEWAY_B_QUERY_RATE must be between 1 and 1000',
    ]);
  });

  it('refuses a missing member id and key, naming the account', () => {
    expect(
      problemsOf(twoAccounts({ JUPAY_GATEWAY_B_MEMBER_ID: undefined, JUPAY_GATEWAY_B_KEY_FILE: '' })),
    ).toEqual([
      'JUPAY_GATEWAY_B_MEMBER_ID is required',
      'JUPAY_GATEWAY_B_KEY is required (or JUPAY_GATEWAY_B_KEY_FILE)',
    ]);
  });

  it('refuses the single-gateway settings beside JUPAY_GATEWAYS, each named', () => {
    expect(
      problemsOf(
        twoAccounts({
          JUPAY_MEMBER_ID: '10002',
          JUPAY_KEY: TEST_KEY,
          JUPAY_GATEWAY_URL: 'http://gateway.test/Pay_Index.html',
          JUPAY_SIGN_DIALECT: 'standard',
        }),
      ),
    ).toEqual([
      "JUPAY_MEMBER_ID is for a single gateway: with JUPAY_GATEWAYS, set each account's JUPAY_GATEWAY_<ID>_MEMBER_ID instead",
      "JUPAY_KEY is for a single gateway: with JUPAY_GATEWAYS, set each account's JUPAY_GATEWAY_<ID>_KEY instead",
      "JUPAY_GATEWAY_URL is for a single gateway: with JUPAY_GATEWAYS, set each account's JUPAY_GATEWAY_<ID>_PAYMENT_URL instead",
      "JUPAY_SIGN_DIALECT is for a single gateway: with JUPAY_GATEWAYS, set each account's JUPAY_GATEWAY_<ID>_DIALECT instead",
    ]);
  });

  it('refuses a setting of no listed account (a typo, or an account left out of the list)', () => {
    expect(problemsOf(twoAccounts({ JUPAY_GATEWAY_A_PAYMENT_UR: 'x', JUPAY_GATEWAY_C_KEY: A_KEY }))).toEqual([
      'JUPAY_GATEWAY_A_PAYMENT_UR names no account of JUPAY_GATEWAYS (a, b) and setting (NAME, PAYMENT_URL, QUERY_URL, MEMBER_ID, KEY, KEY_FILE, DIALECT, BANK_CODES, PRIORITY, WEIGHT, QUERY_RATE)',
      'JUPAY_GATEWAY_C_KEY names no account of JUPAY_GATEWAYS (a, b) and setting (NAME, PAYMENT_URL, QUERY_URL, MEMBER_ID, KEY, KEY_FILE, DIALECT, BANK_CODES, PRIORITY, WEIGHT, QUERY_RATE)',
    ]);
  });

  it('refuses bad, repeated or no ids', () => {
    expect(problemsOf(twoAccounts({ JUPAY_GATEWAYS: 'a,b,A' }))).toEqual([
      'JUPAY_GATEWAYS lists a twice (ids are not case-sensitive)',
    ]);
    expect(problemsOf(twoAccounts({ JUPAY_GATEWAYS: 'a,b,c-d' }))).toEqual([
      'JUPAY_GATEWAYS has an id that is not 1-24 letters, digits or _ (starting with a letter or digit)',
    ]);
    expect(problemsOf(twoAccounts({ JUPAY_GATEWAYS: ' , ' }))[0]).toBe(
      'JUPAY_GATEWAYS lists no account id, e.g. JUPAY_GATEWAYS=a,b',
    );
  });

  it('refuses an offered bank code that no account serves', () => {
    expect(
      problemsOf(twoAccounts({ JUPAY_GATEWAY_A_BANK_CODES: '902', JUPAY_GATEWAY_B_BANK_CODES: '903' })),
    ).toEqual([
      'JUPAY_BANK_CODES offers 904, which no account of JUPAY_GATEWAYS serves (see each JUPAY_GATEWAY_<ID>_BANK_CODES)',
    ]);
  });

  it('never prints a key planted into another account setting, even as an id', () => {
    const PLANTED_KEY = 'plantedkey0123456789';
    const messages = problemsOf(
      twoAccounts({
        JUPAY_GATEWAY_A_KEY: PLANTED_KEY,
        JUPAY_GATEWAY_B_BANK_CODES: '12345678901',
        JUPAY_GATEWAYS: `a,b,${PLANTED_KEY}`,
      }),
    );
    expect(messages.join('\n')).not.toMatch(new RegExp(PLANTED_KEY, 'i'));
    expect(messages).toContain('JUPAY_GATEWAY_[redacted]_PAYMENT_URL is required');
  });
});

describe('JUPAY_GATEWAYS_FILE', () => {
  const file = join(dir, 'gateways.env');
  writeFileSync(
    file,
    [
      '# the accounts',
      'JUPAY_GATEWAYS=a,b',
      'JUPAY_GATEWAY_A_PAYMENT_URL=https://gw-a.example/Pay_Index.html',
      'JUPAY_GATEWAY_A_MEMBER_ID=10002',
      `JUPAY_GATEWAY_A_KEY=${A_KEY}`,
      'JUPAY_GATEWAY_B_PAYMENT_URL=https://gw-b.example/Pay_Index.html',
      'JUPAY_GATEWAY_B_MEMBER_ID=2x',
      'JUPAY_GATEWAY_B_KEY_FILE=b.key',
      '',
    ].join('\n'),
  );
  const withFile = (overrides: Record<string, string | undefined> = {}) =>
    baseEnv({
      JUPAY_MEMBER_ID: undefined,
      JUPAY_KEY: undefined,
      JUPAY_GATEWAY_URL: undefined,
      JUPAY_GATEWAYS_FILE: 'gateways.env',
      ...overrides,
    });

  it('holds the accounts; the environment wins over it; a problem names the file and line', () => {
    expect(problemsOf(withFile())).toEqual([
      `JUPAY_GATEWAY_B_MEMBER_ID (${file} line 7) must be digits without a leading zero`,
    ]);
    const config = loadConfig(withFile({ JUPAY_GATEWAY_B_MEMBER_ID: '20001' }), { cwd: dir });
    expect(config.gateways.map((a) => [a.id, a.memberId, a.paymentUrl])).toEqual([
      ['a', '10002', 'https://gw-a.example/Pay_Index.html'],
      ['b', '20001', 'https://gw-b.example/Pay_Index.html'],
    ]);
    expect(config.gateways[1]!.key).toBe(B_KEY);
  });

  it('through loadSignerConfig, says the file and line of an account setting', () => {
    writeFileSync(join(dir, 'signer.env'), `JUPAY_GATEWAYS_FILE=gateways.env\n`);
    const env = withFile({ JUPAY_GATEWAYS_FILE: undefined });
    try {
      loadSignerConfig({ envFile: join(dir, 'signer.env'), env, cwd: dir });
      throw new Error('accepted');
    } catch (error) {
      expect((error as Error).message).toContain(
        `  JUPAY_GATEWAY_B_MEMBER_ID (${file} line 7) must be digits without a leading zero`,
      );
      expect((error as Error).message).not.toContain(A_KEY);
    }
  });

  it('refuses other settings in it, an unreadable file and a malformed one', () => {
    const other = join(dir, 'other.env');
    writeFileSync(
      other,
      `JUPAY_GATEWAYS=a\nJUPAY_STORE=/tmp/x.db\nJUPAY_GATEWAY_A_PAYMENT_URL=https://gw-a.example/Pay_Index.html\nJUPAY_GATEWAY_A_MEMBER_ID=10002\nJUPAY_GATEWAY_A_KEY=${A_KEY}\n`,
    );
    expect(problemsOf(withFile({ JUPAY_GATEWAYS_FILE: 'other.env', JUPAY_BANK_CODES: '902' }))).toEqual([
      `JUPAY_GATEWAYS_FILE (${other}) line 2: JUPAY_STORE does not belong in it (only JUPAY_GATEWAYS and JUPAY_GATEWAY_<ID>_* settings)`,
    ]);
    expect(problemsOf(withFile({ JUPAY_GATEWAYS_FILE: 'nowhere.env' }))[0]).toBe(
      'JUPAY_GATEWAYS_FILE cannot be read (ENOENT)',
    );
    const broken = join(dir, 'broken.env');
    writeFileSync(broken, `JUPAY_GATEWAYS=a\nJUPAY_GATEWAY_A_KEY="${A_KEY}\n`);
    const messages = problemsOf(withFile({ JUPAY_GATEWAYS_FILE: 'broken.env' }));
    expect(messages[0]).toBe(
      `JUPAY_GATEWAYS_FILE (${broken}) line 2: unterminated double quote in JUPAY_GATEWAY_A_KEY`,
    );
  });
});

describe('health settings', () => {
  it('default to a probe every 30 s (5 s timeout), 3 failures down and 2 successes up', () => {
    expect(loadConfig(baseEnv({ JUPAY_HEALTH_INTERVAL: undefined }), { cwd: dir }).health).toEqual({
      intervalMs: 30_000,
      timeoutMs: 5_000,
      failures: 3,
      successes: 2,
    });
    const custom = loadConfig(
      baseEnv({
        JUPAY_HEALTH_INTERVAL: 'off',
        JUPAY_HEALTH_TIMEOUT: '750ms',
        JUPAY_HEALTH_FAILURES: '1',
        JUPAY_HEALTH_SUCCESSES: '5',
      }),
      { cwd: dir },
    ).health;
    expect(custom).toEqual({ intervalMs: 0, timeoutMs: 750, failures: 1, successes: 5 });
  });

  it('refuses what is not a duration or a count in range', () => {
    expect(
      problemsOf(
        baseEnv({
          JUPAY_HEALTH_INTERVAL: '30',
          JUPAY_HEALTH_TIMEOUT: 'off',
          JUPAY_HEALTH_FAILURES: '0',
          JUPAY_HEALTH_SUCCESSES: '101',
        }),
      ),
    ).toEqual([
      'JUPAY_HEALTH_INTERVAL must be a duration such as 500ms, 30s or 1m, or off',
      'JUPAY_HEALTH_TIMEOUT must be a duration such as 500ms, 30s or 1m',
      'JUPAY_HEALTH_FAILURES must be between 1 and 100',
      'JUPAY_HEALTH_SUCCESSES must be between 1 and 100',
    ]);
    expect(problemsOf(baseEnv({ JUPAY_HEALTH_INTERVAL: '2h' }))).toEqual([
      'JUPAY_HEALTH_INTERVAL must be between 100ms and 3600s',
    ]);
  });
});

describe('accountSetting', () => {
  it('builds JUPAY_GATEWAY_<ID>_<SETTING> for every setting', () => {
    expect(ACCOUNT_SETTINGS.map((s) => accountSetting('alipay_main', s))).toContain(
      'JUPAY_GATEWAY_ALIPAY_MAIN_KEY_FILE',
    );
  });
});
