/**
 * @module notifier.test
 * The asynchronous notification over real HTTP: a merchant receiver on a free port gets what the deployed gateway
 * sends (docs/protocol.md#notification).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  encodeAttach,
  NOTIFICATION_SIGNED_FIELDS,
  parseNotification,
  sign,
  SignatureError,
} from '@jupay/core';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_BEHAVIOUR, type Behaviour } from './faults.ts';
import { DEMO_MERCHANT } from './merchants.ts';
import { buildNotificationBody, isAcknowledged, resultFields } from './notifier.ts';
import type { Order } from './orders.ts';
import {
  formOf,
  paymentFields,
  postForm,
  startMerchant,
  startSim,
  type MerchantReceiver,
  type StartedSim,
} from '../test/helpers/fixtures.ts';

const credentials = { memberId: DEMO_MERCHANT.memberId, key: DEMO_MERCHANT.key };
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setUp(
  reply?: Parameters<typeof startMerchant>[0],
  options?: Parameters<typeof startSim>[0],
): Promise<{ sim: StartedSim; merchant: MerchantReceiver }> {
  const merchant = await startMerchant(reply);
  const sim = await startSim(options);
  cleanups.push(merchant.close, sim.running.close);
  return { sim, merchant };
}

async function order(sim: StartedSim, merchant: MerchantReceiver, overrides: Record<string, string> = {}) {
  const fields = paymentFields({ pay_notifyurl: merchant.url, ...overrides });
  const response = await postForm(`${sim.running.url}/Pay_Index.html`, fields);
  expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  return fields.pay_orderid!;
}

const standard: Behaviour = { ...DEFAULT_BEHAVIOUR, resendIntervalMs: 10 };

describe('building the notification', () => {
  it('reproduces the V3 body of docs/protocol.md#test-vectors byte for byte', () => {
    const v3Order = {
      memberId: '10002',
      orderId: 'E20161226181818123456',
      transactionId: '20161226181820975310',
      amountFen: 10000,
      attach: '',
    } as Order;
    const fields = resultFields(v3Order, DEMO_MERCHANT.key, standard, new Date('2016-12-26T10:20:05Z'));
    expect(buildNotificationBody(fields)).toBe(
      'memberid=10002&orderid=E20161226181818123456&transaction_id=20161226181820975310&amount=100.0000' +
        '&datetime=20161226182005&returncode=00&sign=7B1C96C31F0C2593C3250C5EE06CC280&attach=',
    );
  });

  it('the acknowledgement rule: "ok" anywhere in any case, or exactly OK when strict', () => {
    expect(isAcknowledged('OK', false)).toBe(true);
    expect(isAcknowledged('<html>Book saved</html>', false)).toBe(true);
    expect(isAcknowledged('FAIL', false)).toBe(false);
    expect(isAcknowledged('ok', true)).toBe(false);
    expect(isAcknowledged('OK\n', true)).toBe(false);
    expect(isAcknowledged('OK', true)).toBe(true);
    expect(isAcknowledged(null, false)).toBe(false);
  });
});

describe('delivery over HTTP', () => {
  it('sends the hand-built body: four-decimal amount, raw values, signed six fields, attach echoed', async () => {
    const { sim, merchant } = await setUp();
    const attach = encodeURIComponent('会员 1234|456');
    const orderId = await order(sim, merchant, { pay_amount: '12.30', pay_attach: attach });
    const before = Date.now();
    await sim.controls.pay(orderId);
    expect(merchant.received).toHaveLength(1);
    const { body, contentType } = merchant.received[0]!;
    expect(contentType).toBe('application/x-www-form-urlencoded');
    expect(body).toMatch(
      new RegExp(
        `^memberid=10002&orderid=${orderId}&transaction_id=\\d{20}&amount=12\\.3000&datetime=\\d{14}` +
          `&returncode=00&sign=[0-9A-F]{32}&attach=${attach.replace(/[|%]/g, '\\$&')}$`,
      ),
    );
    // Not URL-encoded by the gateway: the merchant's own encoding of attach arrives as it was sent.
    expect(body).toContain(`attach=${attach}`);
    const received = formOf(body);
    expect(received.transaction_id).toBe(sim.controls.order(orderId)!.transactionId);
    // datetime is the time of sending (China time).
    const sentAt = Date.UTC(
      Number(received.datetime!.slice(0, 4)),
      Number(received.datetime!.slice(4, 6)) - 1,
      Number(received.datetime!.slice(6, 8)),
      Number(received.datetime!.slice(8, 10)) - 8,
      Number(received.datetime!.slice(10, 12)),
      Number(received.datetime!.slice(12, 14)),
    );
    expect(Math.abs(sentAt - before)).toBeLessThan(5000);
    // Verifiable over the raw strings with core, as a merchant would.
    const parsed = parseNotification(body, credentials);
    expect(parsed.amount).toBe('12.3000');
    expect(parsed.amountFen).toBe(1230);
    expect(parsed.attach).toBe('会员 1234|456');
    expect(received.sign).toBe(
      sign(received, DEMO_MERCHANT.key, { signedFields: NOTIFICATION_SIGNED_FIELDS }),
    );
  });

  it.each([
    // htmlspecialchars with ENT_QUOTES (the PHP 8.1+ default) turns ' into &#039;, and the body is not encoded.
    ["''", 'attach=&#039;&#039;'],
    ['a&b "c"', 'attach=a&amp;b &quot;c&quot;'],
    // strip_tags drops tags and NUL bytes.
    ['<b>x</b>y', 'attach=xy'],
    ['a\u0000b', 'attach=ab'],
    // A literal %00 survives the filter and is sent unencoded: the merchant's form decoder reads a NUL.
    ['a%00b', 'attach=a%00b'],
    // What jupay sends: percent-encoded down to letters, digits and - . _, so nothing is left to escape.
    [encodeAttach(`''!*()~ 会`), 'attach=%27%27%21%2A%28%29%7E%20%E4%BC%9A'],
  ])('echoes pay_attach %j as the deployed gateway does: %s', async (attach, expected) => {
    const { sim, merchant } = await setUp();
    const orderId = await order(sim, merchant, { pay_attach: attach });
    await sim.controls.pay(orderId);
    const { body } = merchant.received[0]!;
    expect(body.slice(body.indexOf('&attach='))).toBe(`&${expected}`);
    // The signed fields verify whatever attach became, with core's tolerant reading.
    expect(parseNotification(body, credentials, { tolerant: true }).orderId).toBe(orderId);
  });

  it('a reply containing "ok" in any case counts: one attempt, no re-send', async () => {
    const { sim, merchant } = await setUp(() => ({ body: '<p>Booked</p>' }));
    const orderId = await order(sim, merchant);
    const { delivery } = await sim.controls.pay(orderId);
    const attempts = await delivery;
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({
      kind: 'first',
      status: 200,
      response: '<p>Booked</p>',
      received: true,
    });
    expect(sim.controls.order(orderId)?.notified).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    expect(merchant.received).toHaveLength(1);
  });

  it('the HTTP status is ignored: a 500 whose body says "ok" counts', async () => {
    const { sim, merchant } = await setUp(() => ({ status: 500, body: 'ok' }));
    const orderId = await order(sim, merchant);
    const attempts = await (await sim.controls.pay(orderId)).delivery;
    expect(attempts.map((a) => [a.status, a.received])).toEqual([[500, true]]);
  });

  it('not received: re-sent 3 times by default, each with its own datetime and signature', async () => {
    const { sim, merchant } = await setUp(() => ({ body: 'FAIL' }), { resendIntervalMs: 600 });
    const orderId = await order(sim, merchant);
    const attempts = await (await sim.controls.pay(orderId)).delivery;
    expect(attempts.map((a) => a.kind)).toEqual(['first', 'resend', 'resend', 'resend']);
    expect(merchant.received).toHaveLength(4);
    expect(merchant.received[3]!.at - merchant.received[0]!.at).toBeGreaterThanOrEqual(1700);
    const datetimes = new Set(merchant.received.map((r) => formOf(r.body).datetime));
    const signs = new Set(merchant.received.map((r) => formOf(r.body).sign));
    expect(datetimes.size).toBeGreaterThanOrEqual(2);
    expect(signs.size).toBe(datetimes.size);
    for (const r of merchant.received) expect(parseNotification(r.body, credentials).orderId).toBe(orderId);
    expect(sim.controls.order(orderId)?.notified).toBe(false);
  });

  it('re-sending stops at the first acknowledged attempt', async () => {
    const { sim, merchant } = await setUp((_body, i) => ({ body: i < 1 ? 'FAIL' : 'OK' }));
    const orderId = await order(sim, merchant);
    const attempts = await (await sim.controls.pay(orderId)).delivery;
    expect(attempts.map((a) => a.received)).toEqual([false, true]);
  });

  it.each([0, 1, 2])('resendCount %d gives 1 + %d attempts', async (resendCount) => {
    const { sim, merchant } = await setUp(() => ({ body: 'FAIL' }), { resendCount });
    const orderId = await order(sim, merchant);
    await (
      await sim.controls.pay(orderId)
    ).delivery;
    expect(merchant.received).toHaveLength(1 + resendCount);
  });

  it('strictOk: only an exact "OK" counts, so "ok" is re-sent', async () => {
    const { sim, merchant } = await setUp(() => ({ body: 'ok' }), { strictOk: true, resendCount: 1 });
    const orderId = await order(sim, merchant);
    const attempts = await (await sim.controls.pay(orderId)).delivery;
    expect(attempts.map((a) => a.received)).toEqual([false, false]);
  });

  it('a merchant that does not answer in time is logged as a timeout', async () => {
    const silent = http.createServer(() => {
      // never answers
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          silent.closeAllConnections();
          silent.close(() => resolve());
        }),
    );
    const { sim, merchant } = await setUp(undefined, { notifyTimeoutMs: 150, resendCount: 0 });
    const port = (silent.address() as AddressInfo).port;
    const orderId = await order(sim, merchant, { pay_notifyurl: `http://127.0.0.1:${port}/notify` });
    const [attempt] = await (await sim.controls.pay(orderId)).delivery;
    expect(attempt).toMatchObject({ status: null, response: null, error: 'timeout', received: false });
    expect(attempt!.durationMs).toBeGreaterThanOrEqual(140);
  });

  it('an unreachable notify URL is logged with the network error', async () => {
    const { sim, merchant } = await setUp(undefined, { resendCount: 0 });
    const orderId = await order(sim, merchant, { pay_notifyurl: 'http://127.0.0.1:1/unreachable' });
    const [refused] = await (await sim.controls.pay(orderId)).delivery;
    expect(refused).toMatchObject({ status: null, response: null, received: false });
    expect(refused!.error).toMatch(/ECONNREFUSED/);
  });

  it('paying a paid order notifies again (duplicates are normal)', async () => {
    const { sim, merchant } = await setUp();
    const orderId = await order(sim, merchant);
    await sim.controls.pay(orderId);
    const paidAt = sim.controls.order(orderId)!.paidAt;
    await sim.controls.pay(orderId);
    expect(merchant.received).toHaveLength(2);
    expect(sim.controls.order(orderId)!.paidAt).toBe(paidAt);
    expect(formOf(merchant.received[0]!.body).transaction_id).toBe(
      formOf(merchant.received[1]!.body).transaction_id,
    );
  });

  it('manual re-send (补发) of a paid order, refused for an unpaid one', async () => {
    const { sim, merchant } = await setUp();
    const orderId = await order(sim, merchant);
    await expect(sim.controls.resend(orderId)).rejects.toThrow(/not paid/);
    await sim.controls.pay(orderId);
    const attempts = await sim.controls.resend(orderId);
    expect(attempts.map((a) => a.kind)).toEqual(['manual']);
    expect(merchant.received).toHaveLength(2);
  });

  it('the log keeps time, body sent, status and body received', async () => {
    const { sim, merchant } = await setUp(() => ({ status: 202, body: 'OK thanks' }));
    const orderId = await order(sim, merchant);
    await sim.controls.pay(orderId);
    const [entry] = await sim.controls.waitForNotifications(orderId, 1);
    expect(entry).toMatchObject({
      seq: 1,
      memberId: '10002',
      orderId,
      url: merchant.url,
      body: merchant.received[0]!.body,
      status: 202,
      response: 'OK thanks',
      error: null,
      received: true,
      dropped: false,
    });
    expect(Date.parse(entry!.at)).toBeGreaterThan(Date.now() - 5000);
  });

  it('waitForNotifications rejects when the attempts never come', async () => {
    const { sim } = await setUp();
    await expect(sim.controls.waitForNotifications('NOPE', 1, 50)).rejects.toThrow(/saw 0/);
  });

  it('a notification signed with the wrong key is refused by core', async () => {
    const { sim, merchant } = await setUp();
    const orderId = await order(sim, merchant);
    sim.controls.setFaults({ badSignature: true }, { orderId });
    await sim.controls.pay(orderId);
    expect(() => parseNotification(merchant.received[0]!.body, credentials)).toThrow(SignatureError);
  });
});
