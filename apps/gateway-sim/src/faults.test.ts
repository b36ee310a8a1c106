/**
 * @module faults.test
 * Every fault switch, over real HTTP, set both through the admin API and the programmatic controls.
 */
import {
  canonicalize,
  createQueryRequest,
  LEGACY_NOTIFICATION_SIGNED_FIELDS,
  md5Hex,
  parseNotification,
  parseQueryResponse,
  QUERY_SIGNED_FIELDS,
  sign,
} from '@jupay/core';
import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_BEHAVIOUR, FaultBook, validateFaults, type Behaviour } from './faults.ts';
import { DEMO_MERCHANT } from './merchants.ts';
import { formOf, paymentFields, postForm, useSimAndMerchant } from '../test/helpers/fixtures.ts';

const credentials = { memberId: DEMO_MERCHANT.memberId, key: DEMO_MERCHANT.key };
const t = useSimAndMerchant();

async function createOrder(orderId: string, amount = '12.34', dialect: 'standard' | 'legacy' = 'standard') {
  const fields = paymentFields(
    { pay_orderid: orderId, pay_amount: amount, pay_notifyurl: t.merchant.url },
    { dialect },
  );
  const response = await postForm(`${t.sim.running.url}/Pay_Index.html`, fields);
  return response;
}

async function adminFaults(body: unknown): Promise<Response> {
  return fetch(`${t.sim.running.url}/__sim/faults`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('notification faults', () => {
  it('drop (per merchant, admin API): nothing is sent, the log says dropped', async () => {
    expect((await adminFaults({ memberId: '10002', faults: { dropNotification: true } })).status).toBe(200);
    await createOrder('F1');
    const { delivery } = await t.sim.controls.pay('F1');
    expect(await delivery).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(t.merchant.received).toHaveLength(0);
    const log = (await (await fetch(`${t.sim.running.url}/__sim/notifications?orderId=F1`)).json()) as {
      dropped: boolean;
      body: string;
    }[];
    expect(log).toEqual([expect.objectContaining({ dropped: true, body: '' })]);
    expect(t.sim.controls.order('F1')?.status).toBe('SUCCESS');
  });

  it('delay: the payer returns first, the notification arrives later', async () => {
    t.sim.controls.setFaults({ notifyDelayMs: 300 }, { orderId: 'F2' });
    await createOrder('F2');
    const started = Date.now();
    await t.sim.controls.pay('F2');
    expect(t.merchant.received).toHaveLength(0);
    await t.sim.controls.waitForNotifications('F2', 1);
    expect(t.merchant.received[0]!.at - started).toBeGreaterThanOrEqual(290);
  });

  it('send N times: duplicates even though the merchant answered OK', async () => {
    t.sim.controls.setFaults({ notifyTimes: 3 });
    await createOrder('F3');
    const attempts = await (await t.sim.controls.pay('F3')).delivery;
    expect(attempts.map((a) => a.kind)).toEqual(['first', 'duplicate', 'duplicate']);
    expect(t.merchant.received).toHaveLength(3);
    expect(new Set(t.merchant.received.map((r) => formOf(r.body).orderid))).toEqual(new Set(['F3']));
  });

  it('tampered amount: correctly signed, but not the order amount', async () => {
    t.sim.controls.setFaults({ tamperAmount: true }, { orderId: 'F4' });
    await createOrder('F4', '12.34');
    await t.sim.controls.pay('F4');
    const parsed = parseNotification(t.merchant.received[0]!.body, credentials);
    expect(parsed.amount).toBe('12.3300');
    expect(parsed.amountFen).toBe(1233);
  });

  it('tampered amount given as a decimal is sent as it is', async () => {
    await adminFaults({ orderId: 'F5', faults: { tamperAmount: '0.01' } });
    await createOrder('F5', '12.34');
    await t.sim.controls.pay('F5');
    expect(parseNotification(t.merchant.received[0]!.body, credentials).amount).toBe('0.01');
  });

  it('bad signature through the admin API', async () => {
    await adminFaults({ orderId: 'F6', faults: { badSignature: true } });
    await createOrder('F6');
    await t.sim.controls.pay('F6');
    const fields = formOf(t.merchant.received[0]!.body);
    expect(fields.sign).toMatch(/^[0-9A-F]{32}$/);
    expect(() => parseNotification(t.merchant.received[0]!.body, credentials)).toThrow(/signature/i);
  });

  it('amount with two decimals (a fork) instead of four', async () => {
    t.sim.controls.setFaults({ amountDecimals: 2 }, { memberId: '10002' });
    await createOrder('F7', '12.30');
    await t.sim.controls.pay('F7');
    expect(formOf(t.merchant.received[0]!.body).amount).toBe('12.30');
  });
});

describe('legacy dialect', () => {
  beforeEach(() => {
    t.sim.controls.setFaults({ dialect: 'legacy' }, { memberId: '10002' });
  });

  it('payment requests are verified with name=>value joins', async () => {
    expect((await createOrder('L1', '12.34', 'standard')).headers.get('content-type')).toMatch(/json/);
    expect((await createOrder('L1', '12.34', 'legacy')).headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('notifications sign 5 fields (no transaction_id) with name=>value joins', async () => {
    await createOrder('L2', '12.34', 'legacy');
    await t.sim.controls.pay('L2');
    const fields = formOf(t.merchant.received[0]!.body);
    const expected = md5Hex(
      canonicalize(fields, DEMO_MERCHANT.key, {
        signedFields: LEGACY_NOTIFICATION_SIGNED_FIELDS,
        dialect: 'legacy',
      }),
    ).toUpperCase();
    expect(fields.sign).toBe(expected);
    expect(
      canonicalize(fields, 'K', { signedFields: LEGACY_NOTIFICATION_SIGNED_FIELDS, dialect: 'legacy' }),
    ).toMatch(/^amount=>12\.3400&datetime=>\d{14}&memberid=>10002&orderid=>L2&returncode=>00&key=K$/);
    expect(parseNotification(t.merchant.received[0]!.body, credentials, { dialect: 'legacy' }).orderId).toBe(
      'L2',
    );
  });

  it('queries are verified and signed with name=>value joins', async () => {
    await createOrder('L3', '12.34', 'legacy');
    const fields = { pay_memberid: '10002', pay_orderid: 'L3' };
    const standardSigned = createQueryRequest('L3', credentials).body;
    const refused = await postForm(`${t.sim.running.url}/Pay_Trade_query.html`, standardSigned);
    expect(((await refused.json()) as { msg: string }).msg).toBe('验签失败!');
    const legacySign = sign(fields, DEMO_MERCHANT.key, {
      signedFields: QUERY_SIGNED_FIELDS,
      dialect: 'legacy',
    });
    const answer = await postForm(`${t.sim.running.url}/Pay_Trade_query.html`, {
      ...fields,
      pay_md5sign: legacySign,
    });
    const body = JSON.parse(await answer.text()) as Record<string, string>;
    const { sign: signature, ...signed } = body;
    expect(signature).toBe(sign(signed, DEMO_MERCHANT.key, { dialect: 'legacy' }));
  });
});

describe('query faults', () => {
  async function queryText(orderId: string): Promise<Response> {
    return postForm(
      `${t.sim.running.url}/Pay_Trade_query.html`,
      createQueryRequest(orderId, credentials).body,
    );
  }

  it('error: a JSON error instead of the answer', async () => {
    await createOrder('Q1');
    t.sim.controls.setFaults({ query: 'error' }, { orderId: 'Q1' });
    const body = (await (await queryText('Q1')).json()) as { status: string; msg: string };
    expect(body).toEqual({ status: 'error', msg: '系统错误', data: [] });
  });

  it('http-500: a server error page', async () => {
    await createOrder('Q2');
    await adminFaults({ faults: { query: 'http-500' } });
    const response = await queryText('Q2');
    expect(response.status).toBe(500);
    expect(await response.text()).toContain('500');
  });

  it('data-array: the fork that nests the order in data[]', async () => {
    await createOrder('Q3', '12.34');
    await t.sim.controls.pay('Q3');
    t.sim.controls.setFaults({ query: 'data-array' }, { orderId: 'Q3' });
    const text = await (await queryText('Q3')).text();
    const body = JSON.parse(text) as {
      memberid: unknown;
      returncode: string;
      sign: string;
      data: Record<string, string>[];
    };
    expect(body.memberid).toBe(10002); // a JSON number in that fork
    expect(body.data).toEqual([
      {
        orderid: 'Q3',
        amount: '12.3400',
        time_end: '1970-01-01 08:00:00', // that fork reads time_end from the wrong variable
        transaction_id: t.sim.controls.order('Q3')!.transactionId,
        trade_state: 'SUCCESS',
      },
    ]);
    expect(body.sign).toBe(
      sign({ memberid: '10002', returncode: '00', ...body.data[0]! }, DEMO_MERCHANT.key),
    );
    // Core reads the variant (signature over the top-level fields plus the row); paid comes from trade_state.
    expect(parseQueryResponse(text, credentials)).toMatchObject({ paid: true, orderId: 'Q3', paidAt: null });
  });
});

describe('fault settings', () => {
  const defaults: Behaviour = { ...DEFAULT_BEHAVIOUR, resendIntervalMs: 10 };

  it('order beats merchant beats all; clearing one target leaves the others', () => {
    const book = new FaultBook();
    book.set({ notifyTimes: 2, resendCount: 1 });
    book.set({ notifyTimes: 3 }, { memberId: '10002' });
    book.set({ notifyTimes: 4 }, { orderId: 'A' });
    expect(book.resolve(defaults, '10002', 'A')).toMatchObject({ notifyTimes: 4, resendCount: 1 });
    expect(book.resolve(defaults, '10002', 'B').notifyTimes).toBe(3);
    expect(book.resolve(defaults, '10003', 'B').notifyTimes).toBe(2);
    book.clear({ memberId: '10002' });
    expect(book.resolve(defaults, '10002', 'B').notifyTimes).toBe(2);
    book.clear();
    expect(book.resolve(defaults, '10002', 'A').notifyTimes).toBe(1);
  });

  it.each([
    [{ dropNotifications: true }, /dropNotifications is not a fault switch/],
    [{ resendCount: 4 }, /resendCount/],
    [{ notifyTimes: 0 }, /notifyTimes/],
    [{ query: 'broken' }, /query/],
    [{ amountDecimals: 5 }, /amountDecimals/],
    [{ tamperAmount: 'x' }, /tamperAmount/],
  ])('refuses %j', (faults, message) => {
    expect(() => validateFaults(faults)).toThrow(message);
  });

  it('the admin API answers 400 for a bad switch and lists, then clears, settings', async () => {
    const bad = await adminFaults({ faults: { dropNotifications: true } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/dropNotifications/);
    await adminFaults({ orderId: 'X', faults: { notifyTimes: 2 } });
    const listed = await (await fetch(`${t.sim.running.url}/__sim/faults`)).json();
    expect(listed).toEqual([{ target: { orderId: 'X' }, faults: { notifyTimes: 2 } }]);
    const cleared = await fetch(`${t.sim.running.url}/__sim/faults?orderId=X`, { method: 'DELETE' });
    expect(await cleared.json()).toEqual([]);
  });
});
