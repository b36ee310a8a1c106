/** @module routes/notify.test — `/api/notify`: exactly-once payment, every refusal, with the stored state checked. */
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkout, createTestSigner, listen, type TestSigner } from '../../test/helpers/signer-harness.ts';
import { notificationBody, TEST_KEY } from '../../test/helpers/notifications.ts';
import { dropSchema, freshSchemaName, TEST_PG_URL } from '../../test/helpers/postgres.ts';
import { UNVERIFIED_PER_SOURCE_PER_MINUTE } from '../orders/unverified-budget.ts';
import type { OrderRecord } from '../store/order-store.ts';
import { createPostgresStore } from '../store/postgres-store.ts';

let t: TestSigner;
afterEach(async () => {
  await t?.close();
});

const notify = (body: string) =>
  t.request('/api/notify', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });

async function reply(res: Response): Promise<[number, string, string | null]> {
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  return [res.status, await res.text(), res.headers.get('x-notify-verdict')];
}

describe.each(['sqlite', 'postgres'] as const)('POST /api/notify and NUL (%s)', (kind) => {
  it('a NUL in a signed field is malformed; in attach it is ignored: no store error either way', async () => {
    const schema = freshSchemaName();
    const store = kind === 'postgres' ? createPostgresStore({ url: TEST_PG_URL, schema, max: 2 }) : null;
    await store?.migrate();
    try {
      t = await createTestSigner({}, store ? { store } : {});
      const { orderId } = await checkout(t, { bankCode: '903', amount: '12.30', attach: 'sku-7' });
      for (const fields of [
        { transaction_id: '2024%00' },
        { orderid: `${orderId}%00` },
        { amount: '12.3000%00' },
      ]) {
        const body = notificationBody({ orderid: orderId, ...fields });
        expect(await reply(await notify(body))).toEqual([400, 'FAIL', 'malformed']);
      }
      expect((await t.store.getOrder(orderId))?.status).toBe('NOTPAY');
      const withNul = notificationBody({ orderid: orderId }).replace(/&attach=$/, '&attach=a%00b');
      expect(await reply(await notify(withNul))).toEqual([200, 'OK', null]);
      expect(await t.store.getOrder(orderId)).toMatchObject({ status: 'PAID', attach: 'sku-7' });
      // The one naming `<id>%00` claims no order id of ours: it is logged, but not under this order.
      expect((await t.store.listNotifications(orderId)).map((n) => n.verdict)).toEqual([
        'malformed',
        'malformed',
        'paid',
      ]);
      expect(await t.store.listAnomalies(orderId)).toEqual([
        expect.objectContaining({
          kind: 'unsigned_field',
          detail: 'unsigned field attach holds NUL or a lone surrogate',
        }),
      ]);
      expect(t.logs.join('\n')).not.toMatch(/could not (apply|record) the notification/);
    } finally {
      await t?.close();
      t = undefined as unknown as TestSigner;
      if (store) await dropSchema(schema);
    }
  });
});

describe('POST /api/notify', () => {
  it('marks the order paid once, writes one outbox event, and answers OK to duplicates and re-sends', async () => {
    const now = new Date('2024-03-01T04:00:05.000Z');
    t = await createTestSigner({}, { clock: () => now });
    const { orderId } = await checkout(t, { bankCode: '903', amount: '12.30', attach: '订单 7' });
    expect(await reply(await notify(notificationBody({ orderid: orderId, amount: '12.3000' })))).toEqual([
      200,
      'OK',
      null,
    ]);
    expect(await t.store.getOrder(orderId)).toMatchObject({
      status: 'PAID',
      transactionId: '20240301120005123456',
      paidVia: 'notify',
      paidAt: now,
      nextQueryAt: null,
    });
    const events = await t.store.listEvents(orderId);
    expect(events).toHaveLength(1);
    expect(events[0]!.payload).toEqual({
      orderId,
      amountFen: 1230,
      bankCode: '903',
      productName: 'Order',
      attach: '订单 7',
      transactionId: '20240301120005123456',
      paidAt: now.toISOString(),
      via: 'notify',
    });

    // The same notification again, and a re-send with a new datetime (so a new signature).
    expect(await reply(await notify(notificationBody({ orderid: orderId, amount: '12.3000' })))).toEqual([
      200,
      'OK',
      null,
    ]);
    const resend = notificationBody({ orderid: orderId, amount: '12.30', datetime: '20240301120105' });
    expect(await reply(await notify(resend))).toEqual([200, 'OK', null]);
    expect(await t.store.listEvents(orderId)).toHaveLength(1);
    expect((await t.store.listNotifications(orderId)).map((n) => n.verdict)).toEqual([
      'paid',
      'duplicate',
      'duplicate',
    ]);
    expect(await t.store.listAnomalies(orderId)).toEqual([]);

    // The status route now shows it paid.
    expect(await (await t.request(`/api/orders/${orderId}`)).json()).toMatchObject({
      status: 'PAID',
      paidAt: now.toISOString(),
    });
  });

  it('pays a genuine notification whatever its unsigned fields hold, and records what was ignored', async () => {
    t = await createTestSigner();
    const { orderId } = await checkout(t, { bankCode: '903', amount: '12.30', attach: 'sku-7' });
    const body = notificationBody({ orderid: orderId }).replace(/&attach=$/, '&attach=%E4%B8&attach=x');
    expect(await reply(await notify(body))).toEqual([200, 'OK', null]);
    expect(await t.store.getOrder(orderId)).toMatchObject({ status: 'PAID', attach: 'sku-7' });
    expect(await t.store.listAnomalies(orderId)).toEqual([
      expect.objectContaining({
        kind: 'unsigned_field',
        detail: 'unsigned field attach has malformed percent-encoding',
      }),
    ]);
    expect((await t.store.listNotifications(orderId)).map((n) => [n.verdict, n.rawBody])).toEqual([
      ['paid', body],
    ]);
  });

  it('accepts a lower-case but otherwise correct signature (verify is case-insensitive on hex)', async () => {
    t = await createTestSigner();
    const { orderId } = await checkout(t);
    const body = notificationBody({ orderid: orderId }).replace(
      /sign=([0-9A-F]{32})/,
      (_m, s: string) => `sign=${s.toLowerCase()}`,
    );
    expect(body).toMatch(/sign=[0-9a-f]{32}&/);
    expect(await reply(await notify(body))).toEqual([200, 'OK', null]);
    expect((await t.store.getOrder(orderId))?.status).toBe('PAID');
  });

  it('accepts the notification as a GET query string', async () => {
    t = await createTestSigner();
    const { orderId } = await checkout(t);
    const res = await t.request(`/api/notify?${notificationBody({ orderid: orderId })}`);
    expect(await reply(res)).toEqual([200, 'OK', null]);
    expect((await t.store.getOrder(orderId))?.status).toBe('PAID');
    // The query string (it carries the signature) is not logged.
    expect(t.logs.join('\n')).not.toContain('sign=');
  });

  it('refuses a bad signature, a tampered amount, a wrong member, an unknown order and garbage', async () => {
    t = await createTestSigner();
    const { orderId } = await checkout(t, { bankCode: '903', amount: '12.30' });

    // Signed with another key.
    expect(await reply(await notify(notificationBody({ orderid: orderId }, 'another-merchant-key')))).toEqual(
      [400, 'FAIL', 'bad_signature'],
    );
    // Signed correctly, then the amount changed in transit.
    const tampered = notificationBody({ orderid: orderId, amount: '12.3000' }).replace(
      'amount=12.3000',
      'amount=0.0100',
    );
    expect(await reply(await notify(tampered))).toEqual([400, 'FAIL', 'bad_signature']);
    // Validly signed with our key but for one fen less: an anomaly, never a payment.
    expect(await reply(await notify(notificationBody({ orderid: orderId, amount: '12.2900' })))).toEqual([
      400,
      'FAIL',
      'amount_mismatch',
    ]);
    // Validly signed with our key but for another member id.
    expect(await reply(await notify(notificationBody({ orderid: orderId, memberid: '10003' })))).toEqual([
      400,
      'FAIL',
      'member_mismatch',
    ]);
    // Not a success.
    expect(await reply(await notify(notificationBody({ orderid: orderId, returncode: '01' })))).toEqual([
      400,
      'FAIL',
      'not_success',
    ]);
    // Not one of our orders.
    expect(await reply(await notify(notificationBody({ orderid: 'E0000000000000000404' })))).toEqual([
      400,
      'FAIL',
      'unknown_order',
    ]);
    // Malformed: a missing field, a duplicate field, broken percent-encoding, an amount that is not fen.
    const good = notificationBody({ orderid: orderId });
    expect(await reply(await notify(good.replace(/&datetime=\d+/, '')))).toEqual([400, 'FAIL', 'malformed']);
    expect(await reply(await notify(`${good}&amount=12.3000`))).toEqual([400, 'FAIL', 'malformed']);
    expect(await reply(await notify(good.replace('datetime=', 'datetime=%E4%zz')))).toEqual([
      400,
      'FAIL',
      'malformed',
    ]);
    // A NUL in a signed field, even correctly signed: nothing may store or act on it.
    const nul = notificationBody({ orderid: orderId, transaction_id: '2024%00' });
    expect(await reply(await notify(nul))).toEqual([400, 'FAIL', 'malformed']);
    expect(await reply(await notify(notificationBody({ orderid: orderId, amount: '12.3010' })))).toEqual([
      400,
      'FAIL',
      'malformed',
    ]);
    expect(await reply(await notify(''))).toEqual([400, 'FAIL', 'malformed']);

    expect(await t.store.getOrder(orderId)).toMatchObject({ status: 'NOTPAY', transactionId: null });
    expect(await t.store.listEvents(orderId)).toEqual([]);
    expect((await t.store.listAnomalies(orderId)).map((a) => a.kind)).toEqual([
      'amount_mismatch',
      'member_mismatch',
      'not_success',
    ]);
    // Verified refusals are filed under the order; unverified ones only as labelled claims (orderId null).
    expect(
      (await t.store.listNotifications(orderId)).map((n) => [n.verdict, n.orderId, n.claimedOrderId]),
    ).toEqual([
      ['bad_signature', null, orderId],
      ['bad_signature', null, orderId],
      ['amount_mismatch', orderId, null],
      ['member_mismatch', orderId, null],
      ['not_success', orderId, null],
      ['malformed', null, orderId],
      ['malformed', null, orderId],
      ['malformed', null, orderId],
      ['malformed', null, orderId],
      ['malformed', null, orderId],
    ]);

    // After all that, the genuine notification still pays it.
    expect(await reply(await notify(notificationBody({ orderid: orderId, amount: '12.3000' })))).toEqual([
      200,
      'OK',
      null,
    ]);
  });

  it('a tampered amount on an already paid order is an anomaly, not a duplicate', async () => {
    t = await createTestSigner();
    const { orderId } = await checkout(t);
    await notify(notificationBody({ orderid: orderId }));
    expect(await reply(await notify(notificationBody({ orderid: orderId, amount: '99.0000' })))).toEqual([
      400,
      'FAIL',
      'amount_mismatch',
    ]);
    // Another transaction id for a paid order: still OK (it is paid), but recorded.
    expect(await reply(await notify(notificationBody({ orderid: orderId, transaction_id: 'T2' })))).toEqual([
      200,
      'OK',
      null,
    ]);
    expect((await t.store.listAnomalies(orderId)).map((a) => a.kind)).toEqual([
      'amount_mismatch',
      'transaction_mismatch',
    ]);
    expect((await t.store.getOrder(orderId))?.transactionId).toBe('20240301120005123456');
  });

  it('answers FAIL (never OK) when the write fails, and OK once it works again', async () => {
    t = await createTestSigner();
    const { orderId } = await checkout(t);
    const original = t.store.applyNotification.bind(t.store);
    t.store.applyNotification = async () => {
      throw new Error('SQLITE_IOERR');
    };
    expect(await reply(await notify(notificationBody({ orderid: orderId })))).toEqual([
      500,
      'FAIL',
      'store_error',
    ]);
    expect((await t.store.getOrder(orderId))?.status).toBe('NOTPAY');
    expect(await t.store.listEvents(orderId)).toEqual([]);
    expect(await t.store.listNotifications(orderId)).toEqual([]);
    expect(t.logs.filter((line) => line.includes('could not apply the notification'))).toHaveLength(1);
    t.store.applyNotification = original;
    expect(await reply(await notify(notificationBody({ orderid: orderId })))).toEqual([200, 'OK', null]);
    expect((await t.store.listNotifications(orderId)).map((n) => n.verdict)).toEqual(['paid']);
  });

  it('answers FAIL when the anomaly of ignored unsigned fields cannot be written; the re-send records it', async () => {
    const paid: OrderRecord[] = [];
    t = await createTestSigner({}, { onPaid: (order) => void paid.push(order) });
    const { orderId } = await checkout(t);
    const body = notificationBody({ orderid: orderId }).replace(/&attach=$/, '&attach=%E4%B8');
    const recordAnomaly = t.store.recordAnomaly.bind(t.store);
    t.store.recordAnomaly = async () => {
      throw new Error('SQLITE_IOERR');
    };
    expect(await reply(await notify(body))).toEqual([500, 'FAIL', 'store_error']);
    // The payment committed before the anomaly was tried: paid once, its hooks run by this instance.
    expect((await t.store.getOrder(orderId))?.status).toBe('PAID');
    expect(paid.map((o) => o.orderId)).toEqual([orderId]);
    expect(await t.store.listAnomalies(orderId)).toEqual([]);
    t.store.recordAnomaly = recordAnomaly;
    // The gateway re-sends until it reads OK: a duplicate, which files the anomaly.
    expect(await reply(await notify(body))).toEqual([200, 'OK', null]);
    expect((await t.store.listNotifications(orderId)).map((n) => n.verdict)).toEqual(['paid', 'duplicate']);
    expect((await t.store.listAnomalies(orderId)).map((a) => a.kind)).toEqual(['unsigned_field']);
    expect(await t.store.listEvents(orderId)).toHaveLength(1);
    expect(paid).toHaveLength(1);
  });

  it('answers FAIL, not a JSON error, when a refused notification meets a failing store', async () => {
    t = await createTestSigner();
    const { orderId } = await checkout(t);
    const memberMismatch = notificationBody({ orderid: orderId, memberid: '10003' });
    const recordAnomaly = t.store.recordAnomaly.bind(t.store);
    t.store.recordAnomaly = async () => {
      throw new Error('SQLITE_IOERR');
    };
    expect(await reply(await notify(memberMismatch))).toEqual([500, 'FAIL', 'store_error']);
    t.store.recordAnomaly = recordAnomaly;
    const getOrder = t.store.getOrder.bind(t.store);
    t.store.getOrder = async () => {
      throw new Error('SQLITE_BUSY');
    };
    expect(await reply(await notify(memberMismatch))).toEqual([500, 'FAIL', 'store_error']);
    t.store.getOrder = getOrder;
    expect(t.logs.filter((line) => line.includes('could not apply the notification'))).toHaveLength(2);
    expect(await reply(await notify(memberMismatch))).toEqual([400, 'FAIL', 'member_mismatch']);
  });

  it('a flood of forged 16 KiB notifications keeps at most 512 bytes each, as claims, never filed under the order', async () => {
    t = await createTestSigner();
    const { orderId } = await checkout(t);
    const forged = notificationBody({ orderid: orderId }, 'forger-key-0000');
    // Multi-byte padding, so the cut has to land on a character boundary.
    const body = `${forged}&pad=${'é'.repeat(8192)}`.slice(0, 16_384 - 8192);
    const padded = body + 'x'.repeat(16_384 - Buffer.byteLength(body));
    expect(Buffer.byteLength(padded)).toBe(16_384);
    const size = () => {
      const db = new Database(t.config.store, { readonly: true });
      try {
        const pages = db.pragma('page_count', { simple: true }) as number;
        return pages * (db.pragma('page_size', { simple: true }) as number);
      } finally {
        db.close();
      }
    };
    const before = size();
    const count = 200;
    for (let i = 0; i < count; i += 50) {
      const replies = await Promise.all(Array.from({ length: 50 }, async () => reply(await notify(padded))));
      expect(replies.every(([status, text]) => status === 400 && text === 'FAIL')).toBe(true);
    }
    // The log grew by about the kept 512 bytes per entry (plus row and index overhead), not by 16 KiB.
    expect(size() - before).toBeLessThanOrEqual(count * 768);

    // One source: its first ones are stored, the rest only counted (orders/unverified-budget.ts).
    const log = await t.store.listNotifications(orderId);
    expect(log).toHaveLength(UNVERIFIED_PER_SOURCE_PER_MINUTE);
    const summary = t.logs.find((line) => line.includes('unverified notifications not stored'));
    expect(JSON.parse(summary!)).toMatchObject({ level: 40, notStored: 1, sources: 1 });
    for (const entry of log) {
      expect(entry.orderId).toBeNull();
      expect(entry.claimedOrderId).toBe(orderId);
      expect(entry.bodyTruncated).toBe(true);
      expect(Buffer.byteLength(entry.rawBody)).toBeLessThanOrEqual(512);
      expect(Buffer.byteLength(entry.rawBody)).toBeGreaterThan(500);
      expect(padded.startsWith(entry.rawBody)).toBe(true);
    }
    expect(log.filter((n) => n.orderId === orderId)).toEqual([]);

    // The genuine notification then pays it, and is the one entry filed under the order.
    expect(await reply(await notify(notificationBody({ orderid: orderId })))).toEqual([200, 'OK', null]);
    const own = (await t.store.listNotifications(orderId)).filter((n) => n.orderId === orderId);
    expect(own.map((n) => [n.verdict, n.bodyTruncated])).toEqual([['paid', false]]);
  });

  it('refuses an oversized body with FAIL', async () => {
    t = await createTestSigner({ JUPAY_BODY_LIMIT: '512' });
    const res = await notify(`${notificationBody()}&pad=${'x'.repeat(600)}`);
    expect(await reply(res)).toEqual([413, 'FAIL', 'payload_too_large']);
  });

  it('never logs the signature or the key', async () => {
    t = await createTestSigner();
    const { orderId } = await checkout(t);
    await notify(notificationBody({ orderid: orderId }));
    await notify(notificationBody({ orderid: orderId }, 'wrong-key-123'));
    const logs = t.logs.join('\n');
    expect(logs).toContain(orderId);
    expect(logs).not.toMatch(/[0-9A-F]{32}/);
    expect(logs).not.toContain(TEST_KEY);
  });
});

/** Makes the store refuse every notification log row of `orderId` (a trigger); returns what removes the trigger. */
async function refuseLogRows(
  kind: 'sqlite' | 'postgres',
  schema: string | null,
  orderId: string,
): Promise<() => Promise<void>> {
  expect(orderId).toMatch(/^[A-Za-z0-9]+$/);
  if (kind === 'sqlite') {
    const run = (sql: string) => {
      const db = new Database(t.config.store);
      try {
        db.exec(sql);
      } finally {
        db.close();
      }
    };
    run(`CREATE TRIGGER refuse_log BEFORE INSERT ON notifications WHEN NEW.order_id = '${orderId}'
         BEGIN SELECT RAISE(ABORT, 'the notification log refuses this order'); END`);
    return async () => run('DROP TRIGGER refuse_log');
  }
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: TEST_PG_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await run(`
    CREATE FUNCTION ${schema}.refuse_log() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'the notification log refuses this order'; END $$;
    CREATE TRIGGER refuse_log BEFORE INSERT ON ${schema}.notifications
      FOR EACH ROW WHEN (NEW.order_id = '${orderId}') EXECUTE FUNCTION ${schema}.refuse_log();`);
  return () => run(`DROP TRIGGER refuse_log ON ${schema}.notifications`);
}

describe.each(['sqlite', 'postgres'] as const)('POST /api/notify: one commit (%s)', (kind) => {
  let schema: string | null = null;
  beforeEach(async () => {
    schema = kind === 'postgres' ? freshSchemaName() : null;
    const store = schema ? createPostgresStore({ url: TEST_PG_URL, schema, max: 2 }) : null;
    await store?.migrate();
    t = await createTestSigner({}, store ? { store } : {});
  });
  afterEach(async () => {
    await t?.close();
    t = undefined as unknown as TestSigner;
    if (schema) await dropSchema(schema);
  });

  it('the paid transition and its log row commit together: a refused log row leaves the order unpaid', async () => {
    const { orderId } = await checkout(t);
    const body = notificationBody({ orderid: orderId });
    const allowLogRows = await refuseLogRows(kind, schema, orderId);
    expect(await reply(await notify(body))).toEqual([500, 'FAIL', 'store_error']);
    // The log row is written after the transition and its event in the same commit: neither may remain.
    expect(await t.store.getOrder(orderId)).toMatchObject({
      status: 'NOTPAY',
      transactionId: null,
      paidAt: null,
    });
    expect(await t.store.listEvents(orderId)).toEqual([]);
    expect(await t.store.listNotifications(orderId)).toEqual([]);
    expect(t.logs.filter((line) => line.includes('could not apply the notification'))).toHaveLength(1);
    expect(t.logs.join('\n')).not.toContain('notification applied');

    await allowLogRows();
    expect(await reply(await notify(body))).toEqual([200, 'OK', null]);
    expect(await t.store.getOrder(orderId)).toMatchObject({ status: 'PAID', paidVia: 'notify' });
    expect(await t.store.listEvents(orderId)).toHaveLength(1);
    expect((await t.store.listNotifications(orderId)).map((n) => [n.verdict, n.rawBody])).toEqual([
      ['paid', body],
    ]);
  });

  it('50 identical notifications in parallel over HTTP: one transition, one event, 50 OKs', async () => {
    const http = await listen(t.fetch);
    try {
      const { orderId } = await checkout(t);
      const body = notificationBody({ orderid: orderId });
      // Hold every store call for this order until all 50 requests have made theirs, then let them all reach the
      // store at once: only the store's conditional transition, inside its one commit, can tell them apart
      // (without this, the requests would arrive spread out, most after the first had committed).
      const apply = t.store.applyNotification.bind(t.store);
      const waiting: (() => void)[] = [];
      let calls = 0;
      t.store.applyNotification = async (input) => {
        if (input.orderId === orderId && calls < 50) {
          calls += 1;
          await new Promise<void>((resolve) => {
            waiting.push(resolve);
            if (waiting.length === 50) for (const release of waiting) release();
          });
        }
        return apply(input);
      };
      const replies = await Promise.all(
        Array.from({ length: 50 }, () =>
          fetch(`${http.url}/api/notify`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body,
          }).then(async (r) => `${r.status} ${await r.text()}`),
        ),
      );
      expect(calls).toBe(50);
      expect(replies).toEqual(Array.from({ length: 50 }, () => '200 OK'));
      expect(await t.store.listEvents(orderId)).toHaveLength(1);
      const verdicts = (await t.store.listNotifications(orderId)).map((n) => n.verdict);
      expect(verdicts.filter((v) => v === 'paid')).toHaveLength(1);
      expect(verdicts.filter((v) => v === 'duplicate')).toHaveLength(49);
    } finally {
      await http.close();
    }
  });
});
