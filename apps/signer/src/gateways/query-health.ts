/**
 * @module gateways/query-health
 * What one order query says about its gateway's health. A gateway is healthy when it answers the query the way a
 * working gateway does: a signed answer (paid or not), or its "no such order" error, which it only gives after it
 * found the merchant and verified our signature (docs/protocol.md#order-query, the query's checks in order). It is failing when the
 * query gets no answer (refused, reset, timed out), an HTTP error, something that is not the query's answer, any
 * other error (`系统错误`, `验签失败!`, `商户不存在`), or an answer that does not verify with the account's key.
 */
import { GatewayError, JupayError } from '@jupay/core';
import { NO_SUCH_ORDER, networkReason } from '../check/probe-credentials.ts';

/** A query's verdict on its gateway, and for a failure what happened (never a key). */
export interface QueryHealth {
  ok: boolean;
  detail: string;
}

/**
 * The verdict of a query that threw `error` (a query that returned an answer is `{ ok: true }`).
 * @example
 * queryHealthOfError(new GatewayError('不存在的交易订单.')); // { ok: true, detail: 'no such order' }
 * queryHealthOfError(fetchError); // { ok: false, detail: 'ECONNREFUSED' }
 */
export function queryHealthOfError(error: unknown): QueryHealth {
  if (error instanceof GatewayError) {
    if (NO_SUCH_ORDER.test(error.gatewayMessage)) return { ok: true, detail: 'no such order' };
    return { ok: false, detail: `the gateway refused the query: ${error.gatewayMessage}` };
  }
  if (error instanceof JupayError) return { ok: false, detail: `${error.code}: ${error.message}` };
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return { ok: false, detail: 'no answer within the timeout' };
  }
  if (error instanceof TypeError && (error as { cause?: unknown }).cause !== undefined) {
    // fetch's "fetch failed" with the network error as its cause.
    return { ok: false, detail: networkReason(error) };
  }
  return { ok: false, detail: error instanceof Error ? error.message : String(error) };
}
