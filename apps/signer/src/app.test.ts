/** @module app.test — the browser routes and every guard, over `app.request()`. */
import { PAYMENT_SIGNED_FIELDS, verify } from '@jupay/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  checkout,
  createTestSigner,
  SHOP_ORIGIN,
  TEST_KEY,
  type TestSigner,
} from './test-support/signer-harness.ts';

let t: TestSigner;
afterEach(async () => {
  await t?.close();
});

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

async function errorOf(res: Response): Promise<{ status: number; code: string; message: string }> {
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(Object.keys(body)).toEqual(['error']);
  return { status: res.status, code: body.error.code, message: body.error.message };
}

describe('GET /api/config', () => {
  it('describes the methods, amounts and gateway origin, without anything secret', async () => {
    t = await createTestSigner({ JUPAY_AMOUNT_PRESETS: '10,20' });
    const res = await t.request('/api/config', { headers: { origin: SHOP_ORIGIN } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(SHOP_ORIGIN);
    expect(await res.json()).toEqual({
      currency: 'CNY',
      gateway: 'http://gateway.test',
      methods: [
        { code: '902', name: '微信扫码支付', nameEn: 'WeChat Pay QR code' },
        { code: '903', name: '支付宝扫码支付', nameEn: 'Alipay QR code' },
      ],
      amount: { minFen: 1, maxFen: 500_000, presetsFen: [1000, 2000] },
      products: null,
    });
  });

  it('lists the catalogue in catalogue mode', async () => {
    t = await createTestSigner({ JUPAY_PRODUCTS: '[{"id":"vip","name":"VIP","amount":"9.90"}]' });
    const body = (await (await t.request('/api/config')).json()) as { products: unknown };
    expect(body.products).toEqual([{ id: 'vip', name: 'VIP', amountFen: 990 }]);
  });
});

describe('POST /api/checkout', () => {
  it('creates a signed order decided by the server and stores it unpaid', async () => {
    const now = new Date('2024-03-01T04:00:00.000Z');
    t = await createTestSigner({}, { clock: () => now, newOrderId: () => 'E2024030112000000001' });
    const res = await t.request(
      '/api/checkout',
      json(
        { bankCode: '903', amount: '12.3', productName: 'VIP 会员', attach: 'uid=7&x' },
        { origin: SHOP_ORIGIN },
      ),
    );
    expect(res.status).toBe(201);
    expect(res.headers.get('access-control-allow-origin')).toBe(SHOP_ORIGIN);
    const body = (await res.json()) as {
      orderId: string;
      action: string;
      method: string;
      fields: Record<string, string>;
      statusUrl: string;
    };
    expect(body).toEqual({
      orderId: 'E2024030112000000001',
      action: 'http://gateway.test/Pay_Index.html',
      method: 'POST',
      fields: {
        pay_memberid: '10002',
        pay_orderid: 'E2024030112000000001',
        pay_applydate: '2024-03-01 12:00:00',
        pay_bankcode: '903',
        pay_notifyurl: 'https://pay.shop.example/api/notify',
        pay_callbackurl: 'https://pay.shop.example/api/return',
        pay_amount: '12.30',
        pay_md5sign: expect.stringMatching(/^[0-9A-F]{32}$/),
        pay_productname: 'VIP 会员',
        pay_attach: 'uid%3D7%26x',
        // The cancel link: JUPAY_CANCEL_URL's default, the home page of the return page's site.
        pay_producturl: 'https://shop.example/',
      },
      statusUrl: 'https://pay.shop.example/api/orders/E2024030112000000001',
    });
    expect(
      verify(body.fields, TEST_KEY, body.fields.pay_md5sign!, { signedFields: PAYMENT_SIGNED_FIELDS }),
    ).toBe(true);
    expect(await t.store.getOrder(body.orderId)).toMatchObject({
      status: 'NOTPAY',
      amountFen: 1230,
      bankCode: '903',
      productName: 'VIP 会员',
      attach: 'uid=7&x',
      createdAt: now,
      // First reconciliation query one minute after creation (the default schedule).
      nextQueryAt: new Date(now.getTime() + 60_000),
    });
  });

  it('accepts a form body and fills the default product name', async () => {
    t = await createTestSigner();
    const res = await t.request('/api/checkout', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
      body: 'bankCode=902&amount=0.01',
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { fields: Record<string, string> };
    expect(body.fields).toMatchObject({ pay_amount: '0.01', pay_bankcode: '902', pay_productname: 'Order' });
  });

  it('refuses what the browser may not decide', async () => {
    t = await createTestSigner({ JUPAY_AMOUNT_MIN: '1', JUPAY_AMOUNT_MAX: '100' });
    const cases: [unknown, number, string][] = [
      [{ bankCode: '903', amount: '1.234' }, 400, 'INVALID_AMOUNT'],
      [{ bankCode: '903', amount: '-1' }, 400, 'INVALID_AMOUNT'],
      [{ bankCode: '903', amount: '1e3' }, 400, 'INVALID_AMOUNT'],
      [{ bankCode: '903', amount: '0.99' }, 400, 'AMOUNT_OUT_OF_RANGE'],
      [{ bankCode: '903', amount: '100.01' }, 400, 'AMOUNT_OUT_OF_RANGE'],
      [{ bankCode: '903', amount: 12 }, 400, 'INVALID_REQUEST'],
      [{ bankCode: '904', amount: '10' }, 400, 'BANK_CODE_NOT_OFFERED'],
      [{ amount: '10' }, 400, 'INVALID_REQUEST'],
      [{ bankCode: '903' }, 400, 'INVALID_REQUEST'],
      [{ bankCode: '903', amount: '10', product: 'vip' }, 400, 'UNKNOWN_PRODUCT'],
      [{ bankCode: '903', amount: '10', productName: 'x'.repeat(101) }, 400, 'FIELD_TOO_LONG'],
      [{ bankCode: '903', amount: '10', attach: 'x'.repeat(256) }, 400, 'FIELD_TOO_LONG'],
      [{ bankCode: '903', amount: '10', productName: 'a\u0000b' }, 400, 'INVALID_REQUEST'],
      [{ bankCode: '903', amount: '10', notifyUrl: 'https://evil.example/' }, 400, 'INVALID_REQUEST'],
      [{ bankCode: '903', amount: '10', pay_memberid: '1' }, 400, 'INVALID_REQUEST'],
      [['903'], 400, 'INVALID_REQUEST'],
      ['"x"', 400, 'INVALID_REQUEST'],
      ['{"bankCode":"903","amount":"10","amount":"0.01"}', 400, 'INVALID_REQUEST'],
      ['{"__proto__":{"amount":"0.01"},"bankCode":"903"}', 400, 'INVALID_REQUEST'],
      ['{"bankCode":"903",', 400, 'INVALID_REQUEST'],
    ];
    for (const [body, status, code] of cases) {
      const res = await t.request('/api/checkout', json(body));
      expect({ body, ...(await errorOf(res)) }).toMatchObject({ body, status, code });
    }
    expect(t.logs.some((l) => l.includes('"status":400'))).toBe(true);
  });

  it('refuses bankCode over 16, amount over 20 and product over 64 characters, naming the field', async () => {
    t = await createTestSigner({ JUPAY_AMOUNT_MAX: '100' });
    // One over each limit: FIELD_TOO_LONG, whose message names the field; exactly at it: the field's own check.
    const cases: [Record<string, string>, string, string][] = [
      [{ bankCode: '9'.repeat(17), amount: '10' }, 'FIELD_TOO_LONG', 'bankCode'],
      [{ bankCode: '9'.repeat(16), amount: '10' }, 'BANK_CODE_NOT_OFFERED', 'bankCode'],
      [{ bankCode: '903', amount: `${'0'.repeat(16)}10.00` }, 'FIELD_TOO_LONG', 'amount'],
      [{ bankCode: '903', amount: '1'.repeat(20) }, 'INVALID_AMOUNT', ''],
    ];
    for (const [body, code, field] of cases) {
      const error = await errorOf(await t.request('/api/checkout', json(body)));
      expect({ body, ...error }).toMatchObject({ body, status: 400, code });
      expect(error.message).toContain(field);
    }
    await t.close();

    t = await createTestSigner({ JUPAY_PRODUCTS: '[{"id":"vip","name":"VIP","amount":"9.90"}]' });
    const tooLong = await errorOf(
      await t.request('/api/checkout', json({ bankCode: '903', product: 'p'.repeat(65) })),
    );
    expect(tooLong).toMatchObject({ status: 400, code: 'FIELD_TOO_LONG' });
    expect(tooLong.message).toContain('product');
    const atLimit = await errorOf(
      await t.request('/api/checkout', json({ bankCode: '903', product: 'p'.repeat(64) })),
    );
    expect(atLimit).toMatchObject({ status: 400, code: 'UNKNOWN_PRODUCT' });
  });

  it('refuses the wrong content type, duplicate form keys, bad encoding, big bodies', async () => {
    t = await createTestSigner({ JUPAY_BODY_LIMIT: '256' });
    const post = (body: RequestInit['body'], type?: string, extra: Record<string, string> = {}) =>
      t.request('/api/checkout', {
        method: 'POST',
        headers: { ...(type ? { 'content-type': type } : {}), ...extra },
        body,
      });
    expect(await errorOf(await post('bankCode=903&amount=1', 'text/plain'))).toMatchObject({
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    });
    expect(await errorOf(await post('bankCode=903&amount=1'))).toMatchObject({ status: 415 });
    expect(await errorOf(await post('{}', 'application/json; charset=latin1'))).toMatchObject({
      status: 415,
    });
    expect(
      await errorOf(await post('bankCode=903&amount=1&amount=2', 'application/x-www-form-urlencoded')),
    ).toMatchObject({
      status: 400,
      code: 'INVALID_REQUEST',
      message: 'field amount appears more than once',
    });
    expect(
      await errorOf(await post('bankCode=903&amount=%E4%ZZ', 'application/x-www-form-urlencoded')),
    ).toMatchObject({
      status: 400,
      code: 'INVALID_REQUEST',
    });
    expect(
      await errorOf(await post('__proto__=x&bankCode=903&amount=1', 'application/x-www-form-urlencoded')),
    ).toMatchObject({
      status: 400,
      code: 'INVALID_REQUEST',
    });
    expect(await errorOf(await post(new Uint8Array([0x7b, 0xff, 0x7d]), 'application/json'))).toMatchObject({
      status: 400,
      message: 'the request body is not valid UTF-8',
    });
    const big = JSON.stringify({ bankCode: '903', amount: '1', attach: 'x'.repeat(300) });
    expect(await errorOf(await post(big, 'application/json'))).toMatchObject({
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    });
    // A chunked body (no Content-Length) is cut while streaming.
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(100)));
        controller.close();
      },
    });
    const chunked = await t.signer.app.request('/api/checkout', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(await errorOf(await post('{}', 'application/json', { 'content-length': '99999' }))).toMatchObject({
      status: 413,
    });
  });

  it('Idempotency-Key: the same body returns the same order, another body is refused', async () => {
    t = await createTestSigner();
    const key = { 'idempotency-key': 'attempt-7f3c' };
    const first = await t.request('/api/checkout', json({ bankCode: '903', amount: '5' }, key));
    const again = await t.request('/api/checkout', json({ amount: '5.00', bankCode: '903' }, key));
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const firstBody = (await first.json()) as { orderId: string };
    expect(await again.json()).toEqual(firstBody);
    const other = await t.request('/api/checkout', json({ bankCode: '903', amount: '6' }, key));
    expect(await errorOf(other)).toMatchObject({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
    const bad = await t.request(
      '/api/checkout',
      json({ bankCode: '903', amount: '5' }, { 'idempotency-key': 'a b' }),
    );
    expect(await errorOf(bad)).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
    const fresh = await t.request('/api/checkout', json({ bankCode: '903', amount: '5' }));
    expect(((await fresh.json()) as { orderId: string }).orderId).not.toBe(firstBody.orderId);
  });

  it('catalogue mode: the price is the server’s', async () => {
    t = await createTestSigner({ JUPAY_PRODUCTS: '[{"id":"vip","name":"VIP 会员","amount":"9.90"}]' });
    const res = await t.request('/api/checkout', json({ bankCode: '903', product: 'vip' }));
    expect(res.status).toBe(201);
    const { fields } = (await res.json()) as { fields: Record<string, string> };
    expect(fields).toMatchObject({ pay_amount: '9.90', pay_productname: 'VIP 会员' });
    expect(
      await errorOf(await t.request('/api/checkout', json({ bankCode: '903', product: 'gold' }))),
    ).toMatchObject({
      code: 'UNKNOWN_PRODUCT',
    });
    expect(
      await errorOf(
        await t.request('/api/checkout', json({ bankCode: '903', product: 'vip', amount: '0.01' })),
      ),
    ).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(await errorOf(await t.request('/api/checkout', json({ bankCode: '903' })))).toMatchObject({
      code: 'INVALID_REQUEST',
    });
  });
});

describe('CORS allowlist', () => {
  it('refuses other origins on every browser route, answers preflights for allowed ones', async () => {
    t = await createTestSigner();
    const evil = { origin: 'https://evil.example' };
    for (const [path, init] of [
      ['/api/config', { headers: evil }],
      ['/api/checkout', json({ bankCode: '903', amount: '1' }, evil)],
      ['/api/orders/E0000000000000000000', { headers: evil }],
      ['/api/checkout', { method: 'OPTIONS', headers: { ...evil, 'access-control-request-method': 'POST' } }],
    ] as [string, RequestInit][]) {
      const refused = await t.request(path, init);
      // Readable by the refused page (so the widget can name the problem), never with credentials.
      expect(refused.headers.get('access-control-allow-origin')).toBe('*');
      expect(refused.headers.get('access-control-allow-credentials')).toBeNull();
      expect(await errorOf(refused)).toMatchObject({
        status: 403,
        code: 'ORIGIN_NOT_ALLOWED',
      });
    }
    expect(await t.store.claimDueOrders(new Date(8.64e15), 10, 1)).toEqual([]);

    const preflight = await t.request('/api/checkout', {
      method: 'OPTIONS',
      headers: {
        origin: SHOP_ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, idempotency-key',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(SHOP_ORIGIN);
    expect(preflight.headers.get('access-control-allow-headers')).toBe('Content-Type, Idempotency-Key');
    expect(preflight.headers.get('vary')).toBe('Origin');

    // The operator is told which origin was refused, once per origin per 10 minutes, not once per request.
    const refusals = t.logs
      .map((line) => JSON.parse(line) as { level: number; msg: string; origin?: string; path?: string })
      .filter((line) => line.msg.startsWith('origin refused'));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({ level: 40, origin: 'https://evil.example', path: '/api/config' });
    expect(refusals[0]!.msg).toContain('JUPAY_ALLOWED_ORIGINS');

    // The notify route is the gateway's, not a browser route: an Origin header does not matter there.
    const notify = await t.request('/api/notify', { method: 'POST', headers: evil, body: 'x=1' });
    expect(notify.status).toBe(400);
    expect(await notify.text()).toBe('FAIL');
  });
});

describe('refused origins in the log', () => {
  it('are noted again once the 10-minute window has passed', async () => {
    let now = new Date('2024-03-01T04:00:00.000Z');
    t = await createTestSigner({}, { clock: () => now });
    const evil = { headers: { origin: 'https://evil.example' } };
    const noted = () => t.logs.filter((line) => line.includes('"origin refused')).length;
    await t.request('/api/config', evil);
    await t.request('/api/config', evil);
    now = new Date(now.getTime() + 9 * 60 * 1000);
    await t.request('/api/config', evil);
    expect(noted()).toBe(1);
    now = new Date(now.getTime() + 60 * 1000);
    await t.request('/api/config', evil);
    expect(noted()).toBe(2);
  });
});

describe('rate limits', () => {
  it('limits checkout and status per client address, with Retry-After', async () => {
    let now = new Date('2024-03-01T04:00:00.000Z');
    t = await createTestSigner(
      { JUPAY_RATE_LIMIT_CHECKOUT: '2', JUPAY_RATE_LIMIT_STATUS: '3', JUPAY_RATE_LIMIT_WINDOW: '60' },
      { clock: () => now },
    );
    const from = (ip: string) => ({ incoming: { socket: { remoteAddress: ip } } });
    const buy = (ip: string) =>
      t.signer.app.request('/api/checkout', json({ bankCode: '903', amount: '1' }), from(ip));
    expect((await buy('10.0.0.1')).status).toBe(201);
    expect((await buy('10.0.0.1')).status).toBe(201);
    const limited = await buy('10.0.0.1');
    expect(await errorOf(limited)).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(limited.headers.get('retry-after')).toBe('60');
    expect((await buy('10.0.0.2')).status).toBe(201);

    const status = (ip: string) => t.signer.app.request('/api/orders/E0000000000000000000', {}, from(ip));
    for (let i = 0; i < 3; i++) expect((await status('10.0.0.1')).status).toBe(404);
    expect((await status('10.0.0.1')).status).toBe(429);

    now = new Date(now.getTime() + 60_000);
    expect((await buy('10.0.0.1')).status).toBe(201);
  });

  it('uses the right-most entry of a trusted proxy header, and only when configured', async () => {
    t = await createTestSigner({
      JUPAY_RATE_LIMIT_CHECKOUT: '1',
      JUPAY_TRUSTED_PROXY_HEADER: 'X-Forwarded-For',
    });
    const socket = { incoming: { socket: { remoteAddress: '127.0.0.1' } } };
    const buy = (xff: string) =>
      t.signer.app.request(
        '/api/checkout',
        json({ bankCode: '903', amount: '1' }, { 'x-forwarded-for': xff }),
        socket,
      );
    expect((await buy('1.1.1.1, 203.0.113.1')).status).toBe(201);
    // A client forging the left part does not get a new budget: the proxy's entry is the same.
    expect((await buy('9.9.9.9, 203.0.113.1')).status).toBe(429);
    expect((await buy('203.0.113.2')).status).toBe(201);
    await t.close();

    t = await createTestSigner({ JUPAY_RATE_LIMIT_CHECKOUT: '1' });
    const direct = (xff: string) =>
      t.signer.app.request(
        '/api/checkout',
        json({ bankCode: '903', amount: '1' }, { 'x-forwarded-for': xff }),
        socket,
      );
    expect((await direct('203.0.113.1')).status).toBe(201);
    // Without the setting the header is ignored: every request comes from the socket's address.
    expect((await direct('203.0.113.2')).status).toBe(429);
  });

  it('never limits the notify route', async () => {
    t = await createTestSigner({ JUPAY_RATE_LIMIT_CHECKOUT: '1', JUPAY_RATE_LIMIT_STATUS: '1' });
    for (let i = 0; i < 5; i++) {
      const res = await t.request('/api/notify', { method: 'POST', body: 'a=1' });
      expect(res.status).toBe(400);
    }
  });
});

describe('GET /api/orders/:orderId', () => {
  it('shows the public status and nothing more', async () => {
    const now = new Date('2024-03-01T04:00:00.000Z');
    t = await createTestSigner({}, { clock: () => now });
    const { orderId, statusUrl } = await checkout(t, { bankCode: '903', amount: '8.88', attach: 'private' });
    expect(statusUrl).toBe(`https://pay.shop.example/api/orders/${orderId}`);
    const res = await t.request(`/api/orders/${orderId}`, { headers: { origin: SHOP_ORIGIN } });
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({
      orderId,
      status: 'NOTPAY',
      amountFen: 888,
      bankCode: '903',
      createdAt: '2024-03-01T04:00:00.000Z',
      paidAt: null,
      checkedAt: null,
    });
    expect(await errorOf(await t.request('/api/orders/E0000000000000000404'))).toMatchObject({
      status: 404,
      code: 'ORDER_NOT_FOUND',
    });
    expect(await errorOf(await t.request('/api/orders/..%2Fetc'))).toMatchObject({
      status: 404,
      code: 'ORDER_NOT_FOUND',
    });
  });
});

describe('GET|POST /api/return', () => {
  it('redirects to the configured page, with only a verified order id of ours', async () => {
    t = await createTestSigner({ JUPAY_RETURN_URL: 'https://shop.example/thanks?lang=zh' });
    const { orderId } = await checkout(t);
    const { notificationFields } = await import('./test-support/signer-harness.ts');
    const good = new URLSearchParams(notificationFields({ orderid: orderId, amount: '12.3000' }));

    const post = await t.request('/api/return', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: good.toString(),
    });
    expect(post.status).toBe(303);
    expect(post.headers.get('location')).toBe(`https://shop.example/thanks?lang=zh&orderId=${orderId}`);

    const get = await t.request(`/api/return?${good.toString()}`);
    expect(get.headers.get('location')).toBe(`https://shop.example/thanks?lang=zh&orderId=${orderId}`);

    // Forged, unknown, or pointing elsewhere: always the bare configured page.
    const forged = new URLSearchParams(notificationFields({ orderid: orderId }, 'wrong-key-wrong-key'));
    const unknown = new URLSearchParams(notificationFields({ orderid: 'E0000000000000000404' }));
    for (const query of [
      forged.toString(),
      unknown.toString(),
      'redirect=https://evil.example&orderid=x',
      '%zz',
    ]) {
      const res = await t.request(`/api/return?${query}`);
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('https://shop.example/thanks?lang=zh');
    }
    const empty = await t.request('/api/return', { method: 'POST' });
    expect(empty.headers.get('location')).toBe('https://shop.example/thanks?lang=zh');
    // Payment comes from the notification or a query only: the return changes nothing.
    expect((await t.store.getOrder(orderId))?.status).toBe('NOTPAY');
  });
});

describe('errors and health', () => {
  it('answers unknown routes with a JSON 404 and adds a request id', async () => {
    t = await createTestSigner();
    const res = await t.request('/nope?secret=1', { headers: { 'x-request-id': 'req-123' } });
    expect(await errorOf(res)).toEqual({ status: 404, code: 'NOT_FOUND', message: 'no such route' });
    expect(res.headers.get('x-request-id')).toBe('req-123');
    const line = JSON.parse(t.logs.at(-1)!) as Record<string, unknown>;
    expect(line).toMatchObject({
      reqId: 'req-123',
      method: 'GET',
      path: '/nope',
      status: 404,
      msg: 'request',
    });
    expect(t.logs.join('\n')).not.toContain('secret=1');
    const generated = await t.request('/healthz', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('healthz reports the store, and a store failure becomes INTERNAL without details', async () => {
    t = await createTestSigner();
    const ok = await t.request('/healthz');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: 'ok', store: true });

    const original = t.store.createOrder.bind(t.store);
    t.store.createOrder = async () => {
      throw new Error(`disk on fire near ${TEST_KEY}`);
    };
    const failed = await t.request('/api/checkout', json({ bankCode: '903', amount: '1' }));
    expect(await errorOf(failed)).toEqual({ status: 500, code: 'INTERNAL', message: 'internal error' });
    const errorLine = t.logs.find((l) => l.includes('unhandled error'))!;
    expect(errorLine).toContain('disk on fire near [redacted]');
    t.store.createOrder = original;

    await t.store.close();
    const down = await t.request('/healthz');
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ status: 'degraded', store: false });
  });
});
