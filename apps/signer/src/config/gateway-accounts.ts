/**
 * @module config/gateway-accounts
 * The merchant's gateway accounts: one per 聚合支付 provider (or per account at one), each with its own payment and
 * query URLs, member id, key, dialect, the bank codes it serves, a priority and a weight.
 *
 * Two ways to write them:
 * - one gateway, today's settings (`JUPAY_MEMBER_ID`, `JUPAY_KEY` or `JUPAY_KEY_FILE`, `JUPAY_GATEWAY_URL`,
 *   `JUPAY_QUERY_URL`, `JUPAY_SIGN_DIALECT`): one account, id {@link DEFAULT_ACCOUNT_ID}, serving every offered
 *   bank code;
 * - several: `JUPAY_GATEWAYS=a,b` lists the ids, and each id's settings are `JUPAY_GATEWAY_<ID>_<SETTING>`
 *   ({@link ACCOUNT_SETTINGS}), in the env file, the environment, or a file `JUPAY_GATEWAYS_FILE` names (read by
 *   load-config.ts under the other two).
 *
 * Every problem names the account and the setting (`JUPAY_GATEWAY_B_MEMBER_ID`); a key is never echoed.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Dialect } from '@jupay/core';
import { parseEnvFile } from './env-file.ts';
import { httpUrl, integer, memberIdValue, readKey, type Fail } from './setting-values.ts';

/** One gateway account, validated. */
export interface GatewayAccount {
  /**
   * 1-24 lower-case letters, digits and `_`; stored with each order, so it must not change while orders are
   * pending.
   */
  id: string;
  /** For the operator (console, `/healthz`, metrics); default: the id. */
  name: string;
  /** The gateway's `Pay_Index.html`. */
  paymentUrl: string;
  /** The gateway's `Pay_Trade_query.html` (default: beside the payment URL). */
  queryUrl: string;
  /** `pay_memberid` at this gateway. */
  memberId: string;
  /** This account's MD5 key. Never logged, never in a response or an error. */
  key: string;
  /** `standard` (`name=value&`) or `legacy` (`name=>value&`, 5 signed notification fields). */
  dialect: Dialect;
  /** The bank codes this account serves, each one of `JUPAY_BANK_CODES`. */
  bankCodes: string[];
  /** Lower goes first (as DNS SRV records): an account is used only while no healthier one of lower priority serves the code. */
  priority: number;
  /** Among healthy accounts of the same priority, each gets this share of the checkouts. */
  weight: number;
  /**
   * The most order queries started per second at this account's gateway, shared by every instance on PostgreSQL
   * (reconcile/query-rate.ts): `JUPAY_GATEWAY_<ID>_QUERY_RATE`, else `JUPAY_QUERY_RATE`.
   */
  queryRate: number;
}

/** The id of the account made from the single-gateway settings. */
export const DEFAULT_ACCOUNT_ID = 'default';

/** The list of account ids. */
export const GATEWAYS_SETTING = 'JUPAY_GATEWAYS';

/** A file with the accounts' settings (`NAME=value` lines), read under the environment and the env file. */
export const GATEWAYS_FILE_SETTING = 'JUPAY_GATEWAYS_FILE';

/** Each account's settings, as `JUPAY_GATEWAY_<ID>_<SETTING>`. */
export const ACCOUNT_SETTINGS = [
  'NAME',
  'PAYMENT_URL',
  'QUERY_URL',
  'MEMBER_ID',
  'KEY',
  'KEY_FILE',
  'DIALECT',
  'BANK_CODES',
  'PRIORITY',
  'WEIGHT',
  'QUERY_RATE',
] as const;

/** One of {@link ACCOUNT_SETTINGS}. */
export type AccountSetting = (typeof ACCOUNT_SETTINGS)[number];

/** The single-gateway settings, which `JUPAY_GATEWAYS` replaces. */
export const SINGLE_GATEWAY_SETTINGS = [
  'JUPAY_MEMBER_ID',
  'JUPAY_KEY',
  'JUPAY_KEY_FILE',
  'JUPAY_GATEWAY_URL',
  'JUPAY_QUERY_URL',
  'JUPAY_SIGN_DIALECT',
] as const;

const SINGLE_EQUIVALENT: Record<(typeof SINGLE_GATEWAY_SETTINGS)[number], AccountSetting> = {
  JUPAY_MEMBER_ID: 'MEMBER_ID',
  JUPAY_KEY: 'KEY',
  JUPAY_KEY_FILE: 'KEY_FILE',
  JUPAY_GATEWAY_URL: 'PAYMENT_URL',
  JUPAY_QUERY_URL: 'QUERY_URL',
  JUPAY_SIGN_DIALECT: 'DIALECT',
};

const ACCOUNT_ID = /^[a-z0-9][a-z0-9_]{0,23}$/;
const MAX_PRIORITY = 1000;
const MAX_WEIGHT = 1000;
/** As `JUPAY_QUERY_RATE` allows. */
const MAX_QUERY_RATE = 1000;

/**
 * The name of one account's setting.
 * @example
 * accountSetting('b', 'MEMBER_ID'); // 'JUPAY_GATEWAY_B_MEMBER_ID'
 */
export function accountSetting(id: string, setting: AccountSetting): string {
  return `JUPAY_GATEWAY_${id.toUpperCase()}_${setting}`;
}

/** What {@link parseGatewayAccounts} reads. */
export interface GatewayAccountsInput {
  /** Every setting, raw (the environment over the env file over `JUPAY_GATEWAYS_FILE`). */
  env: Record<string, string | undefined>;
  /** Where key files are resolved. */
  cwd: string;
  /** The codes of `JUPAY_BANK_CODES` (those offered); an account serves a subset of them. */
  offeredCodes: readonly string[];
  /** `JUPAY_QUERY_RATE`: each account's query rate cap unless it sets its own. */
  queryRate: number;
  fail: Fail;
}

/** What {@link parseGatewayAccounts} found. */
export interface ParsedAccounts {
  /** The valid accounts, in the order listed; incomplete when `fail` was called. */
  accounts: GatewayAccount[];
  /** Every key read (inline or from a file), also those of accounts with other problems: for redaction. */
  keysRead: string[];
}

/**
 * The accounts the settings describe, in the order listed (the single-gateway settings: one, `default`). Problems go
 * to `fail`, each naming its setting; the accounts are then incomplete and must not be used.
 * @example
 * const { accounts } = parseGatewayAccounts({ env: { JUPAY_GATEWAYS: 'a,b', ... }, cwd, offeredCodes: ['902'], fail });
 */
export function parseGatewayAccounts(input: GatewayAccountsInput): ParsedAccounts {
  const keysRead: string[] = [];
  const accounts = parseAll({
    ...input,
    readKey: (names) => {
      const key = readKey(input.env, names, input.cwd, input.fail);
      if (key !== undefined) keysRead.push(key);
      return key;
    },
  });
  return { accounts, keysRead };
}

type ParseInput = GatewayAccountsInput & {
  readKey: (names: { inline: string; file: string }) => string | undefined;
};

function parseAll(input: ParseInput): GatewayAccount[] {
  const { env, fail } = input;
  const get = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const list = get(GATEWAYS_SETTING);
  if (list === undefined) {
    for (const name of strayAccountSettings(env, [])) {
      fail(name, `is an account setting, but ${GATEWAYS_SETTING} (the list of account ids) is not set`);
    }
    const account = singleAccount(input, get);
    return account ? [account] : [];
  }

  for (const name of SINGLE_GATEWAY_SETTINGS) {
    if (get(name) !== undefined) {
      fail(
        name,
        `is for a single gateway: with ${GATEWAYS_SETTING}, set each account's JUPAY_GATEWAY_<ID>_${SINGLE_EQUIVALENT[name]} instead`,
      );
    }
  }
  const ids = parseIds(list, fail);
  for (const name of strayAccountSettings(env, ids)) {
    fail(
      name,
      `names no account of ${GATEWAYS_SETTING} (${ids.join(', ')}) and setting (${ACCOUNT_SETTINGS.join(', ')})`,
    );
  }
  const accounts: GatewayAccount[] = [];
  for (const id of ids) {
    const account = namedAccount(id, input, get);
    if (account) accounts.push(account);
  }
  // Only when every account is valid: an account with a problem serves nothing yet, which says nothing new.
  for (const code of accounts.length === ids.length ? input.offeredCodes : []) {
    if (!accounts.some((a) => a.bankCodes.includes(code))) {
      fail(
        'JUPAY_BANK_CODES',
        `offers ${code}, which no account of ${GATEWAYS_SETTING} serves (see each JUPAY_GATEWAY_<ID>_BANK_CODES)`,
      );
    }
  }
  return accounts;
}

/**
 * Every account key the settings hold as written (`JUPAY_KEY`, each `JUPAY_GATEWAY_<ID>_KEY`), valid or not: with
 * {@link ParsedAccounts.keysRead}, what messages about settings must never show.
 * @example
 * const secrets = [...writtenKeys(env), ...parsed.keysRead];
 */
export function writtenKeys(env: Record<string, string | undefined>): string[] {
  return Object.entries(env)
    .filter(([name]) => name === 'JUPAY_KEY' || /^JUPAY_GATEWAY_[A-Z0-9_]+_KEY$/.test(name))
    .flatMap(([, value]) => (typeof value === 'string' && value.trim() !== '' ? [value, value.trim()] : []));
}

function singleAccount(
  input: ParseInput,
  get: (name: string) => string | undefined,
): GatewayAccount | undefined {
  const { fail } = input;
  const memberId = memberIdValue('JUPAY_MEMBER_ID', get('JUPAY_MEMBER_ID'), fail);
  const key = input.readKey({ inline: 'JUPAY_KEY', file: 'JUPAY_KEY_FILE' });
  const paymentUrl = httpUrl('JUPAY_GATEWAY_URL', get('JUPAY_GATEWAY_URL'), fail, { required: true });
  const queryUrl = queryUrlOf('JUPAY_QUERY_URL', get('JUPAY_QUERY_URL'), paymentUrl, fail);
  const dialect = dialectOf('JUPAY_SIGN_DIALECT', get('JUPAY_SIGN_DIALECT'), fail);
  if ([memberId, key, paymentUrl, queryUrl, dialect].includes(undefined)) return undefined;
  return {
    id: DEFAULT_ACCOUNT_ID,
    name: DEFAULT_ACCOUNT_ID,
    paymentUrl: paymentUrl!,
    queryUrl: queryUrl!,
    memberId: memberId!,
    key: key!,
    dialect: dialect!,
    bankCodes: [...input.offeredCodes],
    priority: 1,
    weight: 1,
    queryRate: input.queryRate,
  };
}

function namedAccount(
  id: string,
  input: ParseInput,
  get: (name: string) => string | undefined,
): GatewayAccount | undefined {
  const { fail } = input;
  const name = (setting: AccountSetting) => accountSetting(id, setting);
  const memberId = memberIdValue(name('MEMBER_ID'), get(name('MEMBER_ID')), fail);
  const key = input.readKey({ inline: name('KEY'), file: name('KEY_FILE') });
  const paymentUrl = httpUrl(name('PAYMENT_URL'), get(name('PAYMENT_URL')), fail, { required: true });
  const queryUrl = queryUrlOf(name('QUERY_URL'), get(name('QUERY_URL')), paymentUrl, fail);
  const dialect = dialectOf(name('DIALECT'), get(name('DIALECT')), fail);
  const displayName = get(name('NAME')) ?? id;
  // eslint-disable-next-line no-control-regex -- a name is shown on pages and in metrics labels
  if (displayName.length > 64 || /[\x00-\x1f\x7f]/.test(displayName)) {
    fail(name('NAME'), 'must be at most 64 characters without control characters');
  }
  const bankCodes = accountCodes(name('BANK_CODES'), get(name('BANK_CODES')), input.offeredCodes, fail);
  const priority = integer(name('PRIORITY'), get(name('PRIORITY')) ?? '1', 0, MAX_PRIORITY, fail);
  const weight = integer(name('WEIGHT'), get(name('WEIGHT')) ?? '1', 1, MAX_WEIGHT, fail);
  const rateRaw = get(name('QUERY_RATE'));
  const queryRate =
    rateRaw === undefined ? input.queryRate : integer(name('QUERY_RATE'), rateRaw, 1, MAX_QUERY_RATE, fail);
  const parts = [memberId, key, paymentUrl, queryUrl, dialect, bankCodes, priority, weight, queryRate];
  if (parts.includes(undefined)) return undefined;
  return {
    id,
    name: displayName,
    paymentUrl: paymentUrl!,
    queryUrl: queryUrl!,
    memberId: memberId!,
    key: key!,
    dialect: dialect!,
    bankCodes: bankCodes!,
    priority: priority!,
    weight: weight!,
    queryRate: queryRate!,
  };
}

function parseIds(list: string, fail: Fail): string[] {
  const ids: string[] = [];
  let malformed = false;
  for (const part of list.split(',')) {
    const id = part.trim().toLowerCase();
    if (id === '') continue;
    if (!ACCOUNT_ID.test(id)) {
      // An id is no secret, but the entry might be one pasted into the wrong place: described, not echoed.
      fail(
        GATEWAYS_SETTING,
        'has an id that is not 1-24 letters, digits or _ (starting with a letter or digit)',
      );
      malformed = true;
    } else if (ids.includes(id)) {
      fail(GATEWAYS_SETTING, `lists ${id} twice (ids are not case-sensitive)`);
    } else ids.push(id);
  }
  if (ids.length === 0 && !malformed) fail(GATEWAYS_SETTING, 'lists no account id, e.g. JUPAY_GATEWAYS=a,b');
  return ids;
}

/** Set `JUPAY_GATEWAY_*` settings that belong to no listed account (a typo, or an account left out of the list). */
function strayAccountSettings(env: Record<string, string | undefined>, ids: readonly string[]): string[] {
  const known = new Set(ids.flatMap((id) => ACCOUNT_SETTINGS.map((s) => accountSetting(id, s))));
  return Object.keys(env).filter(
    (name) =>
      name.startsWith('JUPAY_GATEWAY_') &&
      name !== 'JUPAY_GATEWAY_URL' &&
      (env[name] ?? '').trim() !== '' &&
      !known.has(name),
  );
}

function queryUrlOf(setting: string, raw: string | undefined, paymentUrl: string | undefined, fail: Fail) {
  const queryUrl = httpUrl(setting, raw, fail, { required: false });
  if (queryUrl !== undefined || raw !== undefined) return queryUrl;
  // The deployed gateways serve both pages from one directory (docs/protocol.md#endpoints).
  return paymentUrl === undefined ? undefined : new URL('Pay_Trade_query.html', paymentUrl).href;
}

function dialectOf(setting: string, raw: string | undefined, fail: Fail): Dialect | undefined {
  const value = raw ?? 'standard';
  if (value === 'standard' || value === 'legacy') return value;
  return fail(setting, 'must be standard or legacy');
}

function accountCodes(
  setting: string,
  raw: string | undefined,
  offered: readonly string[],
  fail: Fail,
): string[] | undefined {
  if (raw === undefined) return [...offered];
  const codes: string[] = [];
  let bad = false;
  for (const part of raw.split(',')) {
    const code = part.trim();
    if (code === '') continue;
    if (!/^\d{1,10}$/.test(code)) {
      fail(setting, 'has an entry that is not a bank code (digits only; names belong in JUPAY_BANK_CODES)');
      bad = true;
    } else if (!offered.includes(code)) {
      fail(setting, `has ${code}, which JUPAY_BANK_CODES does not offer`);
      bad = true;
    } else if (!codes.includes(code)) codes.push(code);
  }
  if (codes.length === 0 && !bad) return fail(setting, 'lists no bank code');
  return bad ? undefined : codes;
}

/** The accounts' settings read from the file `JUPAY_GATEWAYS_FILE` names. */
export interface GatewaysFile {
  /** Its absolute path. */
  file: string;
  values: Record<string, string>;
  /** The line of each setting (the last, as when it is read). */
  lines: Record<string, number>;
}

/**
 * Reads the file `JUPAY_GATEWAYS_FILE` names (`NAME=value` lines, as an env file), or null when the setting is not
 * set. Only `JUPAY_GATEWAYS` and `JUPAY_GATEWAY_<ID>_*` settings belong in it: anything else is refused, naming its
 * line. A file that cannot be read or parsed is a problem of `JUPAY_GATEWAYS_FILE`.
 * @example
 * const file = readGatewaysFile(env, cwd, fail); // { file: '/etc/jupay/gateways.env', values, lines } | null
 */
export function readGatewaysFile(
  env: Record<string, string | undefined>,
  cwd: string,
  fail: Fail,
): GatewaysFile | null {
  const named = env[GATEWAYS_FILE_SETTING]?.trim();
  if (named === undefined || named === '') return null;
  const file = resolve(cwd, named);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    fail(GATEWAYS_FILE_SETTING, `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    return null;
  }
  let values: Record<string, string>;
  try {
    values = parseEnvFile(text);
  } catch (error) {
    // The parser names the line, never a value.
    fail(GATEWAYS_FILE_SETTING, (error as Error).message.replace(/^\.env /, `(${file}) `));
    return null;
  }
  const lines: Record<string, number> = {};
  text.split(/\r?\n/).forEach((line, index) => {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line);
    if (match) lines[match[1]!] = index + 1;
  });
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    if (name === GATEWAYS_SETTING || (name.startsWith('JUPAY_GATEWAY_') && name !== 'JUPAY_GATEWAY_URL')) {
      kept[name] = value;
    } else {
      fail(
        GATEWAYS_FILE_SETTING,
        `(${file}) line ${lines[name] ?? '?'}: ${name} does not belong in it (only ${GATEWAYS_SETTING} and JUPAY_GATEWAY_<ID>_* settings)`,
      );
    }
  }
  return { file, values: kept, lines };
}
