/**
 * @module gateways/query-health.test
 * A query's verdict on its gateway, from the errors real queries throw against the simulator: refused, timed out,
 * error answers, answers signed with another key; "no such order" is a working gateway.
 */
import { createQueryRequest, GatewayError, parseQueryResponse, ProtocolError } from '@jupay/core';
import { createGatewaySim } from '@jupay/gateway-sim';
import { describe, expect, it } from 'vitest';
import { DEMO } from '../../test/helpers/sim-orders.ts';
import { queryHealthOfError } from './query-health.ts';

/** Runs a signed query at `url` as the reconciler does and returns what it threw (or null). */
async function thrownBy(url: string, options: { key?: string; timeoutMs?: number } = {}): Promise<unknown> {
  const credentials = { memberId: DEMO.memberId, key: options.key ?? DEMO.key };
  try {
    const { body } = createQueryRequest('E0000000000000000001', credentials);
    const response = await fetch(`${url}/Pay_Trade_query.html`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
    });
    if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
    parseQueryResponse(await response.text(), { memberId: DEMO.memberId, key: DEMO.key });
    return null;
  } catch (error) {
    return error;
  }
}

describe('queryHealthOfError', () => {
  it('reads each real failure and the "no such order" answer', async () => {
    const sim = createGatewaySim();
    const running = await sim.start();
    try {
      expect(queryHealthOfError(await thrownBy(running.url))).toEqual({ ok: true, detail: 'no such order' });
      expect(queryHealthOfError(await thrownBy(running.url, { key: 'another-key-1234' }))).toEqual({
        ok: false,
        detail: 'the gateway refused the query: 验签失败!',
      });
      sim.controls.setFaults({ query: 'error' });
      expect(queryHealthOfError(await thrownBy(running.url))).toEqual({
        ok: false,
        detail: 'the gateway refused the query: 系统错误',
      });
      sim.controls.setFaults({ query: 'normal' });
      await sim.controls.setAvailability({ down: 'http-503' });
      expect(queryHealthOfError(await thrownBy(running.url))).toEqual({ ok: false, detail: 'HTTP 503' });
      await sim.controls.setAvailability({ down: false, slowMs: 2000 });
      expect(queryHealthOfError(await thrownBy(running.url, { timeoutMs: 100 }))).toEqual({
        ok: false,
        detail: 'no answer within the timeout',
      });
      await sim.controls.setAvailability({ down: 'refused', slowMs: 0 });
      // A connection kept alive from before is cut first (the socket's error), then connecting is refused.
      expect(queryHealthOfError(await thrownBy(running.url))).toEqual({
        ok: false,
        detail: expect.stringMatching(/^(UND_ERR_SOCKET|ECONNRESET|ECONNREFUSED)$/),
      });
      expect(queryHealthOfError(await thrownBy(running.url))).toEqual({ ok: false, detail: 'ECONNREFUSED' });
    } finally {
      await running.close();
    }
  });

  it('an answer that is not the query answer, or one from another gateway fork, is a failure with its code', () => {
    expect(queryHealthOfError(new ProtocolError('MALFORMED_RESPONSE', 'not JSON'))).toEqual({
      ok: false,
      detail: 'MALFORMED_RESPONSE: not JSON',
    });
    expect(queryHealthOfError(new GatewayError('不存在的交易订单号.'))).toEqual({
      ok: true,
      detail: 'no such order',
    });
    expect(queryHealthOfError('odd')).toEqual({ ok: false, detail: 'odd' });
  });
});
