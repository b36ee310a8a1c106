/**
 * @module routes/checkout.test
 * `POST /api/checkout` over `app.request()`: the order is decided and signed by the server; every refusal.
 */
import { PAYMENT_SIGNED_FIELDS, verify } from '@jupay/core';
import { afterEach, describe, expect, it } from 'vitest';
import { errorOf, json } from '../../test/helpers/http.ts';
import { createTestSigner, SHOP_ORIGIN, type TestSigner } from '../../test/helpers/signer-harness.ts';
import { TEST_KEY } from '../../test/helpers/notifications.ts';
import { dropSchema, freshSchemaName, TEST_PG_URL } from '../../test/helpers/postgres.ts';
import { createPostgresStore } from '../store/postgres-store.ts';

let t: TestSigner;
afterEach(async () => {
  await t?.close();
});

describe.each(['sqlite', 'postgres'] as const)('POST /api/checkout, text no store can hold (%s)', (kind) => {
  it.each([
    ['attach', '{"bankCode":"903","amount":"1.00","attach":"\\ud800"}'],
    ['attach', '{"bankCode":"903","amount":"1.00","attach":"x\\udc00y"}'],
    ['productName', '{"bankCode":"903","amount":"1.00","productName":"\\ud800"}'],
    ['productName', '{"bankCode":"903","amount":"1.00","productName":"VIP\\ud83d"}'],
    ['bankCode', '{"bankCode":"\\ud800","amount":"1.00"}'],
    ['amount', '{"bankCode":"903","amount":"1\\udfff"}'],
    ['productName', '{"bankCode":"903","amount":"1.00","productName":"a\\u0000b"}'],
    ['attach', '{"bankCode":"903","amount":"1.00","attach":"a\\u0000b"}'],
  ])('a lone surrogate or NUL in %s: 400 naming it, nothing stored', async (field, body) => {
    const schema = freshSchemaName();
    let store;
    if (kind === 'postgres') {
      store = createPostgresStore({ url: TEST_PG_URL, schema, max: 2 });
      await store.migrate();
    }
    try {
      t = await createTestSigner(
        {},
        store
          ? { store, newOrderId: () => 'E2024030112000000009' }
          : {
              newOrderId: () => 'E2024030112000000009',
            },
      );
      const error = await errorOf(await t.request('/api/checkout', json(body)));
      expect(error).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
      expect(error.message).toContain(field);
      expect(await t.store.getOrder('E2024030112000000009')).toBeNull();
      // The same request with clean text goes through, on the same store.
      const clean = JSON.parse(body.replace(/\\u(d[89a-f][0-9a-f]{2}|0000)/g, '')) as Record<string, string>;
      if (field !== 'bankCode' && field !== 'amount') {
        expect((await t.request('/api/checkout', json(clean))).status).toBe(201);
      }
    } finally {
      await t?.close();
      t = undefined as unknown as TestSigner;
      if (kind === 'postgres') await dropSchema(schema);
    }
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
