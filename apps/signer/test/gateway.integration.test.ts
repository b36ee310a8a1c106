/**
 * @module gateway.integration.test
 * The whole flow over real HTTP against @jupay/gateway-sim: checkout, the browser posts the signed form to the
 * gateway, the simulator pays and notifies the signer, the order is paid; then every fault the gateway can throw.
 */
import { encodeForm, PAYMENT_SIGNED_FIELDS, sign, type Fields } from '@jupay/core';
import { createGatewaySim, type GatewaySim, type RunningGatewaySim } from '@jupay/gateway-sim';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestSigner, listen, type TestSigner } from './helpers/signer-harness.ts';
import { TEST_KEY } from './helpers/notifications.ts';

let sim: GatewaySim;
let gateway: RunningGatewaySim;
let t: TestSigner;
let http: { url: string; close(): Promise<void> };

beforeAll(async () => {
  // A second merchant with the same key, to send genuinely signed notifications for another member id.
  sim = createGatewaySim({
    merchants: [
      { memberId: '10002', key: TEST_KEY },
      { memberId: '10003', key: TEST_KEY },
    ],
    resendIntervalMs: 20,
  });
  gateway = await sim.start();
  // The signer's public URL must be known before its config: listen first, plug the handler in after.
  let handler: (request: Request, env?: unknown) => Promise<Response> = async () =>
    new Response('starting', { status: 503 });
  http = await listen((request, env) => handler(request, env));
  t = await createTestSigner({
    JUPAY_GATEWAY_URL: `${gateway.url}/Pay_Index.html`,
    JUPAY_PUBLIC_URL: http.url,
    JUPAY_RETURN_URL: 'https://shop.example/thanks',
  });
  handler = t.fetch;
});

afterAll(async () => {
  await http?.close();
  await gateway?.close();
  await t?.close();
});

beforeEach(() => sim.controls.clearFaults());

/**
 * Checkout through the signer, then the browser's form POST to the gateway: returns the order id. `edit` changes
 * the form before it is posted, as a shopper may (only unsigned fields, or the gateway refuses the signature).
 */
async function buy(
  amount = '12.30',
  attach = '1234|456',
  edit: (fields: Fields) => Fields = (fields) => fields,
): Promise<string> {
  const res = await fetch(`${http.url}/api/checkout`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: 'https://shop.example' },
    body: JSON.stringify({ bankCode: '903', amount, productName: 'VIP基础服务', attach }),
  });
  expect(res.status).toBe(201);
  const order = (await res.json()) as { orderId: string; action: string; fields: Fields };
  const cashier = await fetch(order.action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: encodeForm(edit(order.fields)),
  });
  const page = await cashier.text();
  // The gateway accepted the signature: a cashier page, not its JSON error.
  expect(page).not.toMatch(/"status":\s*"error"/);
  expect(sim.controls.order(order.orderId)).toBeDefined();
  return order.orderId;
}

const status = async (orderId: string) => (await t.store.getOrder(orderId))?.status;
const verdicts = async (orderId: string) => (await t.store.listNotifications(orderId)).map((n) => n.verdict);

describe('signer against the gateway simulator', () => {
  it('checkout → pay → notification: the order is paid, the gateway got OK, the return lands on the shop', async () => {
    const orderId = await buy();
    const paid = await sim.controls.pay(orderId);
    const attempts = await paid.delivery;
    expect(attempts.map((a) => [a.status, a.response, a.received])).toEqual([[200, 'OK', true]]);
    expect(await t.store.getOrder(orderId)).toMatchObject({
      status: 'PAID',
      amountFen: 1230,
      attach: '1234|456',
      transactionId: paid.order.transactionId,
      paidVia: 'notify',
    });
    expect(await t.store.listEvents(orderId)).toHaveLength(1);

    // The browser's page return: the simulator's form, posted to the signer, redirected to the shop.
    expect(paid.callback?.url).toBe(`${http.url}/api/return`);
    const back = await fetch(paid.callback!.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: encodeForm(paid.callback!.fields),
      redirect: 'manual',
    });
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe(`https://shop.example/thanks?orderId=${orderId}`);
    const shown = (await (await fetch(`${http.url}/api/orders/${orderId}`)).json()) as { status: string };
    expect(shown.status).toBe('PAID');
  });

  it.each(["''", "it's", `!*()~'`, '&<>"', '会员 A&B|7 %41'])(
    'attach %j comes back through the gateway intact: the first notification is acknowledged',
    async (attach) => {
      const orderId = await buy('12.30', attach);
      sim.controls.setFaults({ resendCount: 0 }, { orderId });
      const attempts = await (await sim.controls.pay(orderId)).delivery;
      expect(attempts.map((a) => [a.status, a.response, a.received])).toEqual([[200, 'OK', true]]);
      // Nothing the gateway escapes was left raw: the body carries attach as it was sent.
      expect(attempts[0]!.body).not.toContain('&#039;');
      expect(await t.store.getOrder(orderId)).toMatchObject({ status: 'PAID', attach, paidVia: 'notify' });
      expect(await t.store.listAnomalies(orderId)).toEqual([]);
    },
  );

  it.each([
    ['%E4%B8', 'unsigned field attach has malformed percent-encoding'],
    ["''", 'unsigned field #039; appears more than once'],
    ['x&amount=1&amount=2', 'unsigned field amp;amount appears more than once'],
  ])(
    'a shopper who edits the unsigned pay_attach to %j cannot refuse the genuine notification',
    async (edited, detail) => {
      const orderId = await buy('12.30', 'sku-7', (fields) => ({ ...fields, pay_attach: edited }));
      sim.controls.setFaults({ resendCount: 0 }, { orderId });
      const attempts = await (await sim.controls.pay(orderId)).delivery;
      expect(attempts.map((a) => [a.status, a.response])).toEqual([[200, 'OK']]);
      // The stored order's attach is the truth; what came back is recorded as an anomaly.
      expect(await t.store.getOrder(orderId)).toMatchObject({ status: 'PAID', attach: 'sku-7' });
      expect(await t.store.listAnomalies(orderId)).toEqual([
        expect.objectContaining({ kind: 'unsigned_field', detail }),
      ]);
      expect((await t.store.listEvents(orderId))[0]!.payload).toMatchObject({ attach: 'sku-7' });
    },
  );

  it('duplicates and manual re-sends: all OK, one transition', async () => {
    const orderId = await buy();
    sim.controls.setFaults({ notifyTimes: 3 }, { orderId });
    const attempts = await (await sim.controls.pay(orderId)).delivery;
    expect(attempts.map((a) => a.response)).toEqual(['OK', 'OK', 'OK']);
    const resent = await sim.controls.resend(orderId);
    expect(resent.map((a) => a.response)).toEqual(['OK', 'OK', 'OK']);
    expect(await status(orderId)).toBe('PAID');
    expect(await t.store.listEvents(orderId)).toHaveLength(1);
    expect(await verdicts(orderId)).toEqual([
      'paid',
      'duplicate',
      'duplicate',
      'duplicate',
      'duplicate',
      'duplicate',
    ]);
  });

  it('two- and three-decimal amounts of other forks are the same amount', async () => {
    const orderId = await buy('0.50');
    sim.controls.setFaults({ amountDecimals: 2 }, { orderId });
    const [attempt] = await (await sim.controls.pay(orderId)).delivery;
    expect(attempt!.body).toContain('amount=0.50&');
    expect(attempt!.response).toBe('OK');
    expect(await status(orderId)).toBe('PAID');
  });

  it('a tampered amount (validly signed) is refused, recorded, and never pays', async () => {
    const orderId = await buy();
    sim.controls.setFaults({ tamperAmount: true, resendCount: 0 }, { orderId });
    const attempts = await (await sim.controls.pay(orderId)).delivery;
    expect(attempts.map((a) => [a.status, a.response])).toEqual([[400, 'FAIL']]);
    expect(await status(orderId)).toBe('NOTPAY');
    expect((await t.store.listAnomalies(orderId)).map((a) => a.kind)).toEqual(['amount_mismatch']);
    expect(await verdicts(orderId)).toEqual(['amount_mismatch']);
  });

  it('a bad signature is refused; the gateway re-sends and gets FAIL each time', async () => {
    const orderId = await buy();
    sim.controls.setFaults({ badSignature: true, resendCount: 2 }, { orderId });
    const attempts = await (await sim.controls.pay(orderId)).delivery;
    expect(attempts.map((a) => a.response)).toEqual(['FAIL', 'FAIL', 'FAIL']);
    expect(await status(orderId)).toBe('NOTPAY');
    expect(await verdicts(orderId)).toEqual(['bad_signature', 'bad_signature', 'bad_signature']);
  });

  it('a dropped notification, then the operator’s manual re-send, pays', async () => {
    const first = await buy();
    sim.controls.setFaults({ dropNotification: true }, { orderId: first });
    await (
      await sim.controls.pay(first)
    ).delivery;
    expect(await status(first)).toBe('NOTPAY');
    sim.controls.clearFaults({ orderId: first });
    const [real] = await sim.controls.resend(first);
    expect(real!.response).toBe('OK');
    expect(await status(first)).toBe('PAID');
  });

  it('lower-case signature and GET delivery of a genuine notification both pay', async () => {
    // The gateway's own fields (the page return carries the same signed set), delivered by hand.

    const second = await buy();
    sim.controls.setFaults({ dropNotification: true }, { orderId: second });
    const paid = await sim.controls.pay(second);
    await paid.delivery;
    const fields = { ...paid.callback!.fields };
    const lower = Object.entries({ ...fields, sign: fields.sign!.toLowerCase() })
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    const reply = await fetch(`${http.url}/api/notify`, { method: 'POST', body: lower });
    expect(`${reply.status} ${await reply.text()}`).toBe('200 OK');
    expect(await status(second)).toBe('PAID');

    const third = await buy();
    sim.controls.setFaults({ dropNotification: true }, { orderId: third });
    const paid3 = await sim.controls.pay(third);
    await paid3.delivery;
    const query = Object.entries(paid3.callback!.fields)
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    const viaGet = await fetch(`${http.url}/api/notify?${query}`);
    expect(`${viaGet.status} ${await viaGet.text()}`).toBe('200 OK');
    expect(await status(third)).toBe('PAID');
  });

  it('an unknown order and another member id are refused', async () => {
    // A payment request the signer never made (same key), posted straight to the gateway.
    const direct = async (memberId: string, orderId: string) => {
      const signed: Fields = {
        pay_memberid: memberId,
        pay_orderid: orderId,
        pay_applydate: '2024-03-01 12:00:00',
        pay_bankcode: '903',
        pay_notifyurl: `${http.url}/api/notify`,
        pay_callbackurl: `${http.url}/api/return`,
        pay_amount: '12.30',
      };
      const body = encodeForm({
        ...signed,
        pay_md5sign: sign(signed, TEST_KEY, { signedFields: PAYMENT_SIGNED_FIELDS }),
        pay_productname: 'x',
      });
      const res = await fetch(`${gateway.url}/Pay_Index.html`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      expect(await res.text()).not.toMatch(/"status":\s*"error"/);
      sim.controls.setFaults({ resendCount: 0 }, { orderId });
      return (await sim.controls.pay(orderId, memberId)).delivery;
    };

    const unknown = await direct('10002', 'E0000000000000000404');
    expect(unknown.map((a) => [a.status, a.response])).toEqual([[400, 'FAIL']]);
    expect(await verdicts('E0000000000000000404')).toEqual(['unknown_order']);

    // Our own order id, paid at the gateway by member 10003: a genuine signature for the wrong member.
    const orderId = await buy();
    const wrongMember = await direct('10003', orderId);
    expect(wrongMember.map((a) => [a.status, a.response])).toEqual([[400, 'FAIL']]);
    expect(await status(orderId)).toBe('NOTPAY');
    expect((await t.store.listAnomalies(orderId)).map((a) => a.kind)).toEqual(['member_mismatch']);
  });
});
