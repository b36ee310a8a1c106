/**
 * @module query.test
 * `Pay_Trade_query.html` over real HTTP (docs/protocol.md#order-query).
 */
import { createQueryRequest, encodeForm, parseQueryResponse, QUERY_SIGNED_FIELDS, sign } from '@jupay/core';
import { describe, expect, it } from 'vitest';
import { DEMO_MERCHANT } from './merchants.ts';
import { paymentFields, postForm, useSimAndMerchant } from '../test/helpers/fixtures.ts';

const credentials = { memberId: DEMO_MERCHANT.memberId, key: DEMO_MERCHANT.key };
const t = useSimAndMerchant();
const queryUrl = () => `${t.sim.running.url}/Pay_Trade_query.html`;

async function createOrder(orderId: string, amount = '12.30'): Promise<void> {
  const fields = paymentFields({ pay_orderid: orderId, pay_amount: amount, pay_notifyurl: t.merchant.url });
  await postForm(`${t.sim.running.url}/Pay_Index.html`, fields);
}

async function query(orderId: string): Promise<Response> {
  return postForm(queryUrl(), createQueryRequest(orderId, credentials).body);
}

describe('answers', () => {
  it('NOTPAY: returncode "00", time_end 1970-01-01 08:00:00, JSON served as text/html, signed', async () => {
    await createOrder('Q1');
    const response = await query('Q1');
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const text = await response.text();
    const body = JSON.parse(text) as Record<string, string>;
    expect(Object.keys(body)).toEqual([
      'memberid',
      'orderid',
      'amount',
      'time_end',
      'transaction_id',
      'returncode',
      'trade_state',
      'sign',
    ]);
    expect(body).toMatchObject({
      memberid: '10002',
      orderid: 'Q1',
      amount: '12.3000',
      time_end: '1970-01-01 08:00:00',
      returncode: '00',
      trade_state: 'NOTPAY',
    });
    const { sign: signature, ...signed } = body;
    expect(signature).toBe(sign(signed, DEMO_MERCHANT.key));
    expect(parseQueryResponse(text, credentials)).toMatchObject({
      paid: false,
      amountFen: 1230,
      paidAt: null,
    });
  });

  it('SUCCESS after paying, with the paid time in China time', async () => {
    await createOrder('Q2');
    await t.sim.controls.pay('Q2');
    const paidAt = t.sim.controls.order('Q2')!.paidAt!;
    const text = await (await query('Q2')).text();
    const result = parseQueryResponse(text, credentials);
    expect(result.paid).toBe(true);
    expect(result.tradeState).toBe('SUCCESS');
    const china = new Date(paidAt.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
    expect(JSON.parse(text).time_end).toBe(china);
    expect(result.transactionId).toBe(t.sim.controls.order('Q2')!.transactionId);
  });

  it('GET is accepted too', async () => {
    await createOrder('Q3');
    const { fields } = createQueryRequest('Q3', credentials);
    const response = await fetch(`${queryUrl()}?${encodeForm(fields)}`);
    expect(JSON.parse(await response.text()).trade_state).toBe('NOTPAY');
  });
});

describe('errors', () => {
  async function errorMsg(fields: Record<string, string>): Promise<string> {
    const response = await postForm(queryUrl(), fields);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const body = (await response.json()) as { status: string; msg: string; data: unknown };
    expect(body.status).toBe('error');
    expect(body.data).toEqual([]);
    return body.msg;
  }
  const signed = (orderId: string, memberId = '10002', key = DEMO_MERCHANT.key) => ({
    pay_memberid: memberId,
    pay_orderid: orderId,
    pay_md5sign: sign({ pay_memberid: memberId, pay_orderid: orderId }, key, {
      signedFields: QUERY_SIGNED_FIELDS,
    }),
  });

  it('no order id -> 不存在的交易订单号.', async () => {
    expect(await errorMsg(signed(''))).toBe('不存在的交易订单号.');
  });
  it('bad signature -> 验签失败!', async () => {
    await createOrder('Q4');
    expect(await errorMsg(signed('Q4', '10002', 'wrong-key'))).toBe('验签失败!');
    const lower = signed('Q4');
    expect(await errorMsg({ ...lower, pay_md5sign: lower.pay_md5sign.toLowerCase() })).toBe('验签失败!');
  });
  it('unknown order -> 不存在的交易订单.', async () => {
    expect(await errorMsg(signed('NOSUCHORDER'))).toBe('不存在的交易订单.');
  });
  it('member id at or below 10000 -> 不存在的商户编号!, unknown merchant -> 商户不存在', async () => {
    expect(await errorMsg(signed('Q5', '9999'))).toBe('不存在的商户编号!');
    expect(await errorMsg(signed('Q5', '10009'))).toBe('商户不存在');
  });
});
