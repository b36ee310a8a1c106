/**
 * @module payment.test
 * `POST /Pay_Index.html` over real HTTP: the vectors of docs/protocol.md#test-vectors, each check in the server's
 * order, the input filter's effect on signatures.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { paymentFields, postForm, startSim, type StartedSim } from '../test/helpers/fixtures.ts';

let sim: StartedSim;
let payUrl: string;

beforeEach(async () => {
  sim = await startSim();
  payUrl = `${sim.running.url}/Pay_Index.html`;
});
afterEach(async () => {
  await sim.running.close();
});

async function errorOf(response: Response): Promise<{ status: string; msg: string; data: unknown }> {
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
  return (await response.json()) as { status: string; msg: string; data: unknown };
}

// docs/protocol.md#test-vectors, V1 and V2, exactly as printed there.
const V1 = {
  pay_amount: '100.00',
  pay_applydate: '2016-12-26 18:18:18',
  pay_bankcode: '903',
  pay_callbackurl: 'http://www.example.com/支付/page.php',
  pay_memberid: '10002',
  pay_notifyurl: 'http://www.example.com/server.php',
  pay_orderid: 'E20161226181818123456',
  pay_productname: 'VIP基础服务',
  pay_attach: '1234|456',
  pay_md5sign: '6444CCF4022CE6598A644A5AF954202D',
};
const V2 = {
  pay_amount: '0.01',
  pay_applydate: '2024-03-01 12:00:00',
  pay_bankcode: '902',
  pay_memberid: '10002',
  pay_notifyurl: 'https://merchant.example.com/notify',
  pay_orderid: 'E20240301120000654321',
  pay_productname: 'test',
  pay_md5sign: '2253E42965169BBD4195740AB8C46031',
};

describe('public vectors', () => {
  it('V1 (Chinese in a signed value) is accepted: cashier page with the signed amount', async () => {
    const response = await postForm(payUrl, V1);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('¥100.00');
    expect(html).toContain('E20161226181818123456');
    expect(html).toContain('支付宝扫码支付');
    const order = sim.controls.order('E20161226181818123456');
    expect(order?.status).toBe('NOTPAY');
    expect(order?.amountFen).toBe(10000);
    expect(order?.attach).toBe('1234|456');
    expect(order?.transactionId).toMatch(/^\d{20}$/);
  });

  it('V2 (empty callback URL left out) is accepted', async () => {
    const html = await (await postForm(payUrl, V2)).text();
    expect(html).toContain('¥0.01');
    expect(sim.controls.order('E20240301120000654321')?.callbackUrl).toBe('');
  });

  it('V2 signed with `pay_callbackurl=&` wrongly kept is refused', async () => {
    const body = await errorOf(
      await postForm(payUrl, { ...V2, pay_md5sign: '74C2138B46C6C782A924F0E8F3A75CAD' }),
    );
    expect(body.msg).toBe('签名验证失败');
  });

  it('a lower-case signature is refused (exact, case-sensitive comparison)', async () => {
    const body = await errorOf(await postForm(payUrl, { ...V1, pay_md5sign: V1.pay_md5sign.toLowerCase() }));
    expect(body).toEqual({
      status: 'error',
      msg: '签名验证失败',
      data: { ...V1, pay_md5sign: V1.pay_md5sign.toLowerCase() },
    });
    expect(sim.controls.orders()).toHaveLength(0);
  });
});

describe('checks, in the real server order', () => {
  it('GET is refused, even with a valid signed request in the query string', async () => {
    const response = await fetch(`${payUrl}?${new URLSearchParams(V1)}`);
    expect(await errorOf(response)).toEqual({ status: 'error', msg: '请使用POST方式提交', data: [] });
    expect(sim.controls.orders()).toHaveLength(0);
    // The same fields POSTed are accepted: it is the method that was refused.
    expect((await postForm(payUrl, V1)).headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('with everything wrong, each fix reveals the next check in the server order', async () => {
    // Start from a request that fails every check, then correct one field at a time.
    const good = paymentFields({ pay_orderid: 'ORDER1' });
    await postForm(payUrl, paymentFields({ pay_orderid: 'TAKEN1' }));
    const fields: Record<string, string> = {
      ...good,
      pay_memberid: '10009',
      pay_amount: '',
      pay_bankcode: 'alipay',
      pay_orderid: '',
      pay_md5sign: good.pay_md5sign!.toLowerCase(),
    };
    const seen: string[] = [];
    const fixes: [string, string][] = [
      ['pay_memberid', good.pay_memberid!],
      ['pay_amount', good.pay_amount!],
      ['pay_bankcode', good.pay_bankcode!],
      ['pay_orderid', 'TAKEN1'],
      ['pay_orderid', good.pay_orderid!],
      ['pay_md5sign', good.pay_md5sign!],
    ];
    for (const [name, value] of fixes) {
      seen.push((await errorOf(await postForm(payUrl, fields))).msg);
      fields[name] = value;
    }
    expect(seen).toEqual([
      '不存在的商户编号!',
      '金额不能为空',
      '不存在的银行编码!',
      '订单号不合法！',
      '重复订单！请尝试重新提交订单',
      '签名验证失败',
    ]);
    expect((await postForm(payUrl, fields)).headers.get('content-type')).toMatch(/^text\/html/);
  });

  it.each([
    ['missing', undefined],
    ['10000 (ids start above 10000)', '10000'],
    ['unknown', '10003'],
    ['not a number', 'abc'],
  ])('unknown merchant (%s) -> 不存在的商户编号!', async (_label, memberId) => {
    const fields = paymentFields({ pay_amount: '' });
    if (memberId === undefined) delete fields.pay_memberid;
    else fields.pay_memberid = memberId;
    expect((await errorOf(await postForm(payUrl, fields))).msg).toBe('不存在的商户编号!');
  });

  it.each(['', '0', '0.00'])('amount %j -> 金额不能为空 (checked before the bank code)', async (amount) => {
    const fields = paymentFields({ pay_amount: amount, pay_bankcode: 'x' });
    expect((await errorOf(await postForm(payUrl, fields))).msg).toBe('金额不能为空');
  });

  it.each(['1.234', '-1', 'abc', '1e3', '12,30'])('amount %j -> 金额错误', async (amount) => {
    const fields = paymentFields({ pay_amount: amount, pay_bankcode: 'x' });
    expect((await errorOf(await postForm(payUrl, fields))).msg).toBe('金额错误');
  });

  it('a bank code that is not a number -> 不存在的银行编码!', async () => {
    const body = await errorOf(
      await postForm(payUrl, paymentFields({ pay_bankcode: 'alipay', pay_orderid: '' })),
    );
    expect(body).toEqual({ status: 'error', msg: '不存在的银行编码!', data: { pay_banckcode: 0 } });
  });

  it('a numeric bank code the operator has not enabled -> 通道关闭中', async () => {
    const body = await errorOf(await postForm(payUrl, paymentFields({ pay_bankcode: '999' })));
    expect(body.msg).toBe('通道关闭中,暂时无法连接!');
  });

  it.each(['', 'A'.repeat(51)])('order id %j -> 订单号不合法！', async (orderId) => {
    const body = await errorOf(
      await postForm(payUrl, paymentFields({ pay_orderid: orderId, pay_md5sign: 'x' })),
    );
    expect(body.msg).toBe('订单号不合法！');
  });

  it('accepts a 50-character order id (the column width)', async () => {
    const response = await postForm(payUrl, paymentFields({ pay_orderid: 'A'.repeat(50) }));
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('a repeated order id is refused, before the signature is checked', async () => {
    const fields = paymentFields({ pay_orderid: 'DUP00000000000000001' });
    expect((await postForm(payUrl, fields)).headers.get('content-type')).toMatch(/^text\/html/);
    const again = await errorOf(await postForm(payUrl, fields));
    expect(again.msg).toBe('重复订单！请尝试重新提交订单');
    const badSigned = await errorOf(await postForm(payUrl, { ...fields, pay_md5sign: 'BAD' }));
    expect(badSigned.msg).toBe('重复订单！请尝试重新提交订单');
    expect(sim.controls.orders()).toHaveLength(1);
  });

  it('the same order id is fine for another merchant', async () => {
    await sim.running.close();
    sim = await startSim({
      merchants: [
        { memberId: '10002', key: 'k1' },
        { memberId: '10003', key: 'k2' },
      ],
    });
    const url = `${sim.running.url}/Pay_Index.html`;
    await postForm(url, paymentFields({ pay_orderid: 'SAME1' }, { key: 'k1' }));
    const second = await postForm(
      url,
      paymentFields({ pay_memberid: '10003', pay_orderid: 'SAME1' }, { key: 'k2' }),
    );
    expect(second.headers.get('content-type')).toMatch(/^text\/html/);
    expect(sim.controls.orders().map((o) => o.memberId)).toEqual(['10002', '10003']);
  });

  it('a bad signature -> 签名验证失败 and no order', async () => {
    const fields = paymentFields();
    const body = await errorOf(await postForm(payUrl, { ...fields, pay_amount: '12.35' }));
    expect(body.msg).toBe('签名验证失败');
    expect(sim.controls.orders()).toHaveLength(0);
  });

  it('pay_memberid goes through intval: "010002" is signed as "10002"', async () => {
    const signedAs10002 = paymentFields({ pay_orderid: 'INTVAL1' });
    const response = await postForm(payUrl, { ...signedAs10002, pay_memberid: '010002' });
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const signedAs010002 = paymentFields({ pay_orderid: 'INTVAL2', pay_memberid: '010002' });
    expect((await errorOf(await postForm(payUrl, signedAs010002))).msg).toBe('签名验证失败');
  });
});

describe('the input filter runs before the signature check', () => {
  it('a notify URL with a query string (&) fails although correctly signed over the raw value', async () => {
    const fields = paymentFields({ pay_notifyurl: 'http://127.0.0.1:9/notify?shop=1&x=2' });
    expect((await errorOf(await postForm(payUrl, fields))).msg).toBe('签名验证失败');
  });

  it('the same request signed over the escaped value passes (what production verifies)', async () => {
    const fields = paymentFields({
      pay_notifyurl: 'http://127.0.0.1:9/notify?shop=1&amp;x=2',
      pay_orderid: 'ESC1',
    });
    const response = await postForm(payUrl, {
      ...fields,
      pay_notifyurl: 'http://127.0.0.1:9/notify?shop=1&x=2',
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    // And it is stored escaped, so the notification would go to a broken URL, as in production.
    expect(sim.controls.order('ESC1')?.notifyUrl).toBe('http://127.0.0.1:9/notify?shop=1&amp;x=2');
  });

  it.each([`O'1`, 'O"1', 'O<b>1'])('an order id with %j fails the signature', async (orderId) => {
    const body = await errorOf(await postForm(payUrl, paymentFields({ pay_orderid: orderId })));
    expect(body.msg).toBe('签名验证失败');
  });
});

describe('malformed input', () => {
  it('a JSON body fills no form fields: 不存在的商户编号!', async () => {
    const response = await fetch(payUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(paymentFields()),
    });
    expect((await errorOf(response)).msg).toBe('不存在的商户编号!');
  });

  it('bad percent-encoding is read leniently, like PHP, and fails the signature instead of crashing', async () => {
    const fields = paymentFields({ pay_orderid: 'PCT1' });
    const raw = new URLSearchParams(fields).toString().replace('pay_orderid=PCT1', 'pay_orderid=PCT1%zz');
    expect((await errorOf(await postForm(payUrl, raw))).msg).toBe('签名验证失败');
  });

  it('a multipart form is read like a urlencoded one', async () => {
    const form = new FormData();
    for (const [name, value] of Object.entries(paymentFields({ pay_orderid: 'MULTI1' })))
      form.append(name, value);
    const response = await fetch(payUrl, { method: 'POST', body: form });
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(sim.controls.order('MULTI1')?.amount).toBe('12.34');
  });

  it('an oversized body gets 413', async () => {
    const response = await postForm(payUrl, `pay_attach=${'x'.repeat(70 * 1024)}`);
    expect(response.status).toBe(413);
  });

  it('unknown routes get 404', async () => {
    expect((await fetch(`${sim.running.url}/Pay_Nothing.html`)).status).toBe(404);
    expect((await fetch(`${sim.running.url}/__sim/nothing`)).status).toBe(404);
  });
});
