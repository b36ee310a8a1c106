/**
 * @module check/probe-credentials
 * Proves the member id and the key against the gateway before any shopper pays. A signed order query for an id the
 * signer can never have made (32 characters; ours have 20) must come back with the gateway's "no such order" answer
 * (`不存在的交易订单.`): the gateway only says that after it found the merchant and verified our signature
 * (docs/protocol.md#order-query, the query's checks in order: member id, merchant, order id, signature, order). Any
 * other answer names the setting to fix.
 */
import { randomBytes } from 'node:crypto';
import {
  createQueryRequest,
  GatewayError,
  JupayError,
  parseQueryResponse,
  type Credentials,
  type Dialect,
} from '@jupay/core';
import { accountSetting } from '../config/gateway-accounts.ts';

/** The outcome of {@link probeCredentials}: ok with what was seen, or the setting to fix and why. */
export type CredentialsProbe = { ok: true; detail: string } | { ok: false; setting: string; problem: string };

/** The settings a failed probe names: the single gateway's by default, or one account's. */
export interface ProbeSettings {
  memberId: string;
  key: string;
  keyFile: string;
  queryUrl: string;
}

/** The single-gateway settings. */
export const SINGLE_GATEWAY_PROBE_SETTINGS: Readonly<ProbeSettings> = Object.freeze({
  memberId: 'JUPAY_MEMBER_ID',
  key: 'JUPAY_KEY',
  keyFile: 'JUPAY_KEY_FILE',
  queryUrl: 'JUPAY_QUERY_URL',
});

/**
 * The settings of one gateway account that a failed probe names.
 * @example
 * accountProbeSettings('b').key; // 'JUPAY_GATEWAY_B_KEY'
 */
export function accountProbeSettings(id: string): ProbeSettings {
  return {
    memberId: accountSetting(id, 'MEMBER_ID'),
    key: accountSetting(id, 'KEY'),
    keyFile: accountSetting(id, 'KEY_FILE'),
    queryUrl: accountSetting(id, 'QUERY_URL'),
  };
}

/** What {@link probeCredentials} needs. */
export interface ProbeOptions {
  credentials: Credentials;
  /** The gateway's `Pay_Trade_query.html` URL. */
  queryUrl: string;
  /** How the query is signed and the answer verified; default `standard`. */
  dialect?: Dialect;
  /** Default 10 s. */
  timeoutMs?: number;
  /** The order id to ask about; default a random 32-character id. */
  orderId?: string;
  /** The settings named in a failure; default {@link SINGLE_GATEWAY_PROBE_SETTINGS}. */
  settings?: ProbeSettings;
  /** Abandons the probe (a signer stopping) as a timeout would. */
  signal?: AbortSignal;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/**
 * The gateway's "no such order" (with and without 号, the empty-id variant, in some forks' spellings): said only
 * after it found the merchant and verified the signature.
 * @example
 * NO_SUCH_ORDER.test('不存在的交易订单.'); // true
 */
export const NO_SUCH_ORDER = /不存在的交易订单|订单不存在|order (?:does not exist|not found)/i;
const BAD_SIGNATURE = /验签失败|签名验证失败|签名错误|sign/i;
const NO_SUCH_MEMBER = /商户不存在|不存在的商户|商户号|merchant|member/i;

/**
 * An order id no signer ever makes: `newOrderId` ids are 20 characters; this one is 32, random.
 * @example
 * probeOrderId().length; // 32
 */
export function probeOrderId(): string {
  const bytes = randomBytes(27);
  let id = 'CHECK';
  for (const byte of bytes) id += ALPHABET[byte % ALPHABET.length];
  return id;
}

/**
 * Asks the gateway about an order that cannot exist and reads the answer as a verdict on the credentials.
 * @example
 * const probe = await probeCredentials({ credentials: { memberId, key }, queryUrl });
 * if (!probe.ok) console.log(`${probe.setting}: ${probe.problem}`);
 */
export async function probeCredentials(options: ProbeOptions): Promise<CredentialsProbe> {
  const { credentials, queryUrl } = options;
  const names = options.settings ?? SINGLE_GATEWAY_PROBE_SETTINGS;
  const dialect = options.dialect ?? 'standard';
  const orderId = options.orderId ?? probeOrderId();
  const { body } = createQueryRequest(orderId, credentials, { dialect });
  let response: Response;
  try {
    response = await fetch(queryUrl, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      signal: options.signal
        ? AbortSignal.any([AbortSignal.timeout(options.timeoutMs ?? 10_000), options.signal])
        : AbortSignal.timeout(options.timeoutMs ?? 10_000),
      redirect: 'manual',
    });
  } catch (error) {
    return {
      ok: false,
      setting: names.queryUrl,
      problem: `cannot reach ${queryUrl} (${networkReason(error)})`,
    };
  }
  const text = (await response.text()).slice(0, 64 * 1024);
  if (response.status !== 200) {
    return {
      ok: false,
      setting: names.queryUrl,
      problem: `${queryUrl} answered HTTP ${response.status}, not the gateway's query answer (is it the Pay_Trade_query.html of your gateway?)`,
    };
  }
  try {
    const result = parseQueryResponse(text, credentials, { dialect });
    // A correctly signed answer proves the key too; an order by that id is merely unexpected.
    return {
      ok: true,
      detail: `the gateway answered a signed query for ${result.orderId} (${result.tradeState})`,
    };
  } catch (error) {
    if (error instanceof GatewayError) {
      return readGatewayError(error.gatewayMessage, credentials.memberId, names);
    }
    if (error instanceof JupayError && error.code === 'BAD_SIGNATURE') {
      return {
        ok: false,
        setting: names.key,
        problem: `the gateway's answer is signed with another key: ${names.key} (or ${names.keyFile}) is not the key of member ${credentials.memberId}`,
      };
    }
    if (error instanceof JupayError && error.code === 'MEMBER_MISMATCH') {
      return {
        ok: false,
        setting: names.memberId,
        problem: `the gateway answered for another member id than ${credentials.memberId}`,
      };
    }
    return {
      ok: false,
      setting: names.queryUrl,
      problem: `${queryUrl} did not answer like the gateway's order query (${error instanceof Error ? error.message : String(error)})`,
    };
  }
}

function readGatewayError(message: string, memberId: string, names: ProbeSettings): CredentialsProbe {
  const quoted = JSON.stringify(message);
  if (NO_SUCH_ORDER.test(message)) {
    return {
      ok: true,
      detail: `member ${memberId} and the key were accepted (the gateway says ${quoted} for an order that cannot exist)`,
    };
  }
  if (BAD_SIGNATURE.test(message)) {
    return {
      ok: false,
      setting: names.key,
      problem: `the gateway refused the signature (${quoted}): ${names.key} (or ${names.keyFile}) is not the key of member ${memberId}`,
    };
  }
  if (NO_SUCH_MEMBER.test(message)) {
    return {
      ok: false,
      setting: names.memberId,
      problem: `the gateway does not know member ${memberId} (${quoted})`,
    };
  }
  return {
    ok: false,
    setting: names.memberId,
    problem: `the gateway refused the query (${quoted}); check ${names.memberId} and ${names.key}`,
  };
}

/**
 * Why a request did not get an answer: `no answer within the timeout`, or the network error's code.
 * @example
 * networkReason(error); // 'ECONNREFUSED'
 */
export function networkReason(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'no answer within the timeout';
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
