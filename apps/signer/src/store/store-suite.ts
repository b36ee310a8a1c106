/**
 * @module store/store-suite
 * The `OrderStore` contract as one test suite, run against every implementation (SQLite and PostgreSQL) so that
 * they cannot drift apart. Each implementation's `*.contract.test.ts` calls {@link describeOrderStoreContract} with
 * a factory; nothing here knows which database it talks to.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  GATEWAY_QUERY_DETAIL_LIMIT,
  IdempotencyConflictError,
  paidEventPayload,
  type ApplyNotificationInput,
  type GatewayQueryEntry,
  type NewOrder,
  type OrderStore,
} from './order-store.ts';

/** A fresh, empty store, a second handle on the same database (another "instance"), and the cleanup. */
export interface StoreHarness {
  store: OrderStore;
  /** Opens another store on the same data, as a second process would (second pool, second connection). */
  openAnother(): Promise<OrderStore>;
  /** Removes the data (drop the schema, delete the file). The suite has closed every store by then. */
  cleanup(): Promise<void>;
}

const T0 = new Date('2024-03-01T04:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

let counter = 0;
/**
 * Order ids are 20 chars of [A-Za-z0-9] (docs/protocol.md#payment-request); unique per test so a shared database
 * never collides.
 */
function orderId(): string {
  counter += 1;
  return `E${Date.now().toString(36)}${counter.toString(36)}`.padEnd(20, '0').slice(0, 20);
}

function newOrder(overrides: Partial<NewOrder> = {}): NewOrder {
  const id = overrides.orderId ?? orderId();
  return {
    orderId: id,
    memberId: '10002',
    amountFen: 1230,
    bankCode: '903',
    productName: 'VIP基础服务',
    attach: '1234|456',
    createdAt: T0,
    nextQueryAt: at(60_000),
    requestFields: { pay_orderid: id, pay_amount: '12.30', pay_md5sign: 'ABC' },
    ...overrides,
  };
}

function paidInput(id: string, overrides: Partial<Parameters<OrderStore['markPaid']>[0]> = {}) {
  return {
    orderId: id,
    transactionId: `T${id}`,
    amountFen: 1230,
    paidAt: at(5_000),
    via: 'notify' as const,
    event: { id: `evt_${id}`, payload: { orderId: id, amountFen: 1230 } },
    ...overrides,
  };
}

function notification(id: string, overrides: Partial<ApplyNotificationInput> = {}): ApplyNotificationInput {
  return {
    orderId: id,
    transactionId: `T${id}`,
    amountFen: 1230,
    receivedAt: at(5_000),
    rawBody: `memberid=10002&orderid=${id}&amount=12.3000&sign=ABC`,
    eventId: `evt_${id}`,
    ...overrides,
  };
}

/** A body with what a text column or a careless escaping would lose: NUL, control bytes, non-ASCII, escapes. */
const ODD_BODY =
  'orderid=E1&attach=\u0000x\u0000&ctl=\u0001\u001f\u007f&latin=\u00ff\u00e9&bom=\ufeff&rep=\ufffd' +
  '&cjk=支付&emoji=😀&crlf=\r\n&pct=%00%ZZ&bs=\\x00\\0\\&q=\'"`&nul-end=\u0000';

/**
 * Registers the contract tests for one store implementation.
 *
 * @example
 * ```ts
 * describeOrderStoreContract('postgres', async () => {
 *   const schema = freshSchemaName();
 *   const open = async () => { const s = createPostgresStore({ url, schema }); await s.migrate(); return s; };
 *   return { store: await open(), openAnother: open, cleanup: () => dropSchema(schema) };
 * });
 * ```
 */
export function describeOrderStoreContract(name: string, factory: () => Promise<StoreHarness>): void {
  describe(`OrderStore contract: ${name}`, () => {
    let harness: StoreHarness;
    let store: OrderStore;
    const extra: OrderStore[] = [];

    beforeEach(async () => {
      harness = await factory();
      store = harness.store;
    });

    afterEach(async () => {
      for (const other of extra.splice(0)) await other.close();
      await store.close();
      await harness.cleanup();
    });

    async function another(): Promise<OrderStore> {
      const other = await harness.openAnother();
      extra.push(other);
      return other;
    }

    it('migrate is idempotent and safe from several handles at once', async () => {
      const [a, b] = [await another(), await another()];
      await Promise.all([store.migrate(), a.migrate(), b.migrate()]);
      await store.createOrder(newOrder());
      await store.migrate();
      expect(await store.ping()).toBe(true);
    });

    it('stores an order and reads every field back', async () => {
      const order = newOrder({ amountFen: 999_999_99, attach: null });
      const result = await store.createOrder(order);
      expect(result.created).toBe(true);
      expect(result.requestFields).toEqual(order.requestFields);
      const read = await store.getOrder(order.orderId);
      expect(read).toEqual({
        orderId: order.orderId,
        memberId: '10002',
        amountFen: 999_999_99,
        bankCode: '903',
        productName: 'VIP基础服务',
        attach: null,
        status: 'NOTPAY',
        transactionId: null,
        paidVia: null,
        createdAt: T0,
        paidAt: null,
        nextQueryAt: at(60_000),
        queryAttempts: 0,
        // The single gateway's account when checkout names none.
        gatewayId: 'default',
      });
      expect(result.order).toEqual(read);
      expect(await store.getOrder('E0000000000000000404')).toBeNull();
    });

    it("keeps each order's gateway account, in reads, claims and transitions", async () => {
      const atB = newOrder({ gatewayId: 'b', nextQueryAt: at(1_000) });
      const created = await store.createOrder(atB);
      expect(created.order.gatewayId).toBe('b');
      expect((await store.getOrder(atB.orderId))?.gatewayId).toBe('b');
      expect(
        (await store.claimDueOrders(at(2_000), 10, 60_000)).map((o) => [o.orderId, o.gatewayId]),
      ).toEqual([[atB.orderId, 'b']]);
      const paid = await store.markPaid(paidInput(atB.orderId));
      expect(paid.outcome === 'paid' && paid.order.gatewayId).toBe('b');
    });

    it('leaves the orders of the gateway accounts it is told to out of a claim', async () => {
      const [a, b, plain] = [
        newOrder({ gatewayId: 'a', nextQueryAt: at(1_000) }),
        newOrder({ gatewayId: 'b', nextQueryAt: at(1_100) }),
        newOrder({ nextQueryAt: at(1_200) }),
      ];
      for (const order of [a, b, plain]) await store.createOrder(order);
      const claimed = await store.claimDueOrders(at(2_000), 10, 60_000, {
        excludeGatewayIds: ['a', 'default'],
      });
      expect(claimed.map((o) => o.orderId)).toEqual([b.orderId]);
      expect(
        (await store.claimDueOrders(at(2_000), 10, 60_000, { excludeGatewayIds: [] })).map((o) => o.orderId),
      ).toEqual([a.orderId, plain.orderId]);
    });

    it("applyNotification pays only an order of the account whose key verified it; another's is an anomaly", async () => {
      const order = newOrder({ gatewayId: 'a' });
      await store.createOrder(order);
      const forged = await store.applyNotification(notification(order.orderId, { gatewayId: 'b' }));
      expect(forged).toMatchObject({ outcome: 'gateway_mismatch', verdict: 'gateway_mismatch' });
      expect(forged.outcome === 'gateway_mismatch' && forged.order.gatewayId).toBe('a');
      expect((await store.getOrder(order.orderId))?.status).toBe('NOTPAY');
      expect(await store.listEvents(order.orderId)).toEqual([]);
      expect(await store.listAnomalies(order.orderId)).toEqual([
        {
          orderId: order.orderId,
          kind: 'gateway_mismatch',
          detail: 'notify verified with the key of gateway account b, order is bound to a',
          at: at(5_000),
        },
      ]);
      // Without an account, a notification is the single gateway's (default): not a's either.
      expect((await store.applyNotification(notification(order.orderId))).outcome).toBe('gateway_mismatch');

      const genuine = await store.applyNotification(notification(order.orderId, { gatewayId: 'a' }));
      expect(genuine).toMatchObject({ outcome: 'paid', verdict: 'paid' });
      // A paid order stays another account's: a later forgery is still refused, never a duplicate's OK.
      expect((await store.applyNotification(notification(order.orderId, { gatewayId: 'b' }))).outcome).toBe(
        'gateway_mismatch',
      );
      expect((await store.listNotifications(order.orderId)).map((n) => n.verdict)).toEqual([
        'gateway_mismatch',
        'gateway_mismatch',
        'paid',
        'gateway_mismatch',
      ]);
      expect(await store.listEvents(order.orderId)).toHaveLength(1);
    });

    it('returns the first order for a repeated idempotency key and refuses a different body', async () => {
      const first = newOrder({ idempotency: { key: 'key-1', bodyHash: 'h1' } });
      await store.createOrder(first);
      const again = await store.createOrder(newOrder({ idempotency: { key: 'key-1', bodyHash: 'h1' } }));
      expect(again.created).toBe(false);
      expect(again.order.orderId).toBe(first.orderId);
      expect(again.requestFields).toEqual(first.requestFields);
      await expect(
        store.createOrder(newOrder({ idempotency: { key: 'key-1', bodyHash: 'h2' } })),
      ).rejects.toBeInstanceOf(IdempotencyConflictError);
    });

    it('an idempotency key expires 24 h after its first use: reused later, it creates a new order', async () => {
      const hour = 60 * 60 * 1000;
      const first = newOrder({ idempotency: { key: 'key-ttl', bodyHash: 'h1' } });
      await store.createOrder(first);
      // Just inside the 24 h: the same order (and a different body is still refused).
      const inside = await store.createOrder(
        newOrder({ createdAt: at(24 * hour - 1), idempotency: { key: 'key-ttl', bodyHash: 'h1' } }),
      );
      expect([inside.created, inside.order.orderId]).toEqual([false, first.orderId]);
      await expect(
        store.createOrder(
          newOrder({ createdAt: at(24 * hour - 1), idempotency: { key: 'key-ttl', bodyHash: 'h2' } }),
        ),
      ).rejects.toBeInstanceOf(IdempotencyConflictError);
      // At 24 h: expired, so a new order, even with another body; the key now belongs to the new order.
      const later = newOrder({ createdAt: at(24 * hour), idempotency: { key: 'key-ttl', bodyHash: 'h2' } });
      const after = await store.createOrder(later);
      expect([after.created, after.order.orderId]).toEqual([true, later.orderId]);
      const replay = await store.createOrder(
        newOrder({ createdAt: at(25 * hour), idempotency: { key: 'key-ttl', bodyHash: 'h2' } }),
      );
      expect([replay.created, replay.order.orderId]).toEqual([false, later.orderId]);
      // The first order itself is untouched.
      expect((await store.getOrder(first.orderId))?.orderId).toBe(first.orderId);
    });

    it('prunes idempotency keys older than the cutoff, keeping their orders and the younger keys', async () => {
      const hour = 60 * 60 * 1000;
      const old = newOrder({ idempotency: { key: 'key-old', bodyHash: 'h' } });
      const young = newOrder({ createdAt: at(20 * hour), idempotency: { key: 'key-young', bodyHash: 'h' } });
      await store.createOrder(old);
      await store.createOrder(young);
      expect(await store.prune({ idempotencyKeysBefore: at(hour) })).toEqual({
        notifications: 0,
        idempotencyKeys: 1,
        gatewayQueries: 0,
      });
      expect(await store.prune({ idempotencyKeysBefore: at(hour) })).toEqual({
        notifications: 0,
        idempotencyKeys: 0,
        gatewayQueries: 0,
      });
      expect(await store.getOrder(old.orderId)).not.toBeNull();
      // Pruned: the key is free, even well inside 24 h of its use (the store no longer remembers it).
      const reuse = newOrder({ createdAt: at(2 * hour), idempotency: { key: 'key-old', bodyHash: 'other' } });
      expect((await store.createOrder(reuse)).created).toBe(true);
      // Kept: still replays.
      const again = await store.createOrder(
        newOrder({ createdAt: at(21 * hour), idempotency: { key: 'key-young', bodyHash: 'h' } }),
      );
      expect([again.created, again.order.orderId]).toEqual([false, young.orderId]);
    });

    it('concurrent checkouts with one idempotency key create one order', async () => {
      const other = await another();
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          (i % 2 ? other : store).createOrder(newOrder({ idempotency: { key: 'key-race', bodyHash: 'h' } })),
        ),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.order.orderId)).size).toBe(1);
    });

    it('marks an order paid once and writes its outbox event in the same step', async () => {
      const order = newOrder();
      await store.createOrder(order);
      const first = await store.markPaid(paidInput(order.orderId));
      expect(first.outcome).toBe('paid');
      const paid = await store.getOrder(order.orderId);
      expect(paid).toMatchObject({
        status: 'PAID',
        transactionId: `T${order.orderId}`,
        paidVia: 'notify',
        paidAt: at(5_000),
        nextQueryAt: null,
      });
      const events = await store.listEvents(order.orderId);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        id: `evt_${order.orderId}`,
        type: 'order.paid',
        orderId: order.orderId,
        payload: { orderId: order.orderId, amountFen: 1230 },
        attempts: 0,
        deliveredAt: null,
        lastError: null,
      });

      const second = await store.markPaid(
        paidInput(order.orderId, {
          via: 'query',
          transactionId: 'OTHER',
          event: { id: 'evt_dup', payload: {} },
        }),
      );
      expect(second.outcome).toBe('already_paid');
      // The first transition wins: a duplicate never rewrites the transaction id or the channel.
      expect(await store.getOrder(order.orderId)).toMatchObject({
        transactionId: `T${order.orderId}`,
        paidVia: 'notify',
      });
      expect(await store.listEvents(order.orderId)).toHaveLength(1);
    });

    it('refuses a wrong amount and an unknown order without writing anything', async () => {
      const order = newOrder();
      await store.createOrder(order);
      const wrong = await store.markPaid(paidInput(order.orderId, { amountFen: 1 }));
      expect(wrong.outcome).toBe('amount_mismatch');
      expect((await store.getOrder(order.orderId))?.status).toBe('NOTPAY');
      expect(await store.listEvents(order.orderId)).toEqual([]);
      expect((await store.markPaid(paidInput('E0000000000000000404'))).outcome).toBe('not_found');
      // On a paid order too, a different amount is an anomaly, not a harmless duplicate.
      await store.markPaid(paidInput(order.orderId));
      const late = await store.markPaid(
        paidInput(order.orderId, { amountFen: 1, event: { id: 'evt_x', payload: {} } }),
      );
      expect(late.outcome).toBe('amount_mismatch');
      expect(await store.listEvents(order.orderId)).toHaveLength(1);
    });

    it('racing transitions from two handles: exactly one wins, one event', async () => {
      const other = await another();
      const order = newOrder();
      await store.createOrder(order);
      const outcomes = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          (i % 2 ? other : store).markPaid(
            paidInput(order.orderId, { event: { id: `evt_${order.orderId}_${i}`, payload: { i } } }),
          ),
        ),
      );
      expect(outcomes.filter((o) => o.outcome === 'paid')).toHaveLength(1);
      expect(outcomes.filter((o) => o.outcome === 'already_paid')).toHaveLength(11);
      expect(await store.listEvents(order.orderId)).toHaveLength(1);
    });

    it('applies a verified notification in one commit: the transition, its event and its log row', async () => {
      const order = newOrder();
      await store.createOrder(order);
      const input = notification(order.orderId);
      const result = await store.applyNotification(input);
      expect(result).toMatchObject({ outcome: 'paid', verdict: 'paid' });
      const paid = await store.getOrder(order.orderId);
      expect(paid).toMatchObject({
        status: 'PAID',
        transactionId: `T${order.orderId}`,
        paidVia: 'notify',
        paidAt: at(5_000),
        nextQueryAt: null,
      });
      expect(result.outcome === 'paid' && result.order).toEqual(paid);
      const events = await store.listEvents(order.orderId);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        id: `evt_${order.orderId}`,
        orderId: order.orderId,
        createdAt: at(5_000),
      });
      // The payload is the one applyPayment writes, key for key and in the same order, on every store.
      const expected = paidEventPayload(paid!, {
        transactionId: `T${order.orderId}`,
        paidAt: at(5_000),
        via: 'notify',
      });
      expect(events[0]!.payload).toEqual(expected);
      expect(Object.keys(events[0]!.payload)).toEqual(Object.keys(expected));
      expect(await store.listNotifications(order.orderId)).toEqual([
        {
          orderId: order.orderId,
          claimedOrderId: null,
          rawBody: input.rawBody,
          bodyTruncated: false,
          verdict: 'paid',
          receivedAt: at(5_000),
        },
      ]);
      expect(await store.listAnomalies(order.orderId)).toEqual([]);
    });

    it('applyNotification of a duplicate logs it and pays nothing; another transaction id is an anomaly', async () => {
      const order = newOrder();
      await store.createOrder(order);
      await store.applyNotification(notification(order.orderId));
      const again = await store.applyNotification(
        notification(order.orderId, { eventId: 'evt_dup', receivedAt: at(6_000) }),
      );
      expect(again).toMatchObject({ outcome: 'already_paid', verdict: 'duplicate' });
      expect(again.outcome === 'already_paid' && again.order).toMatchObject({
        status: 'PAID',
        transactionId: `T${order.orderId}`,
        paidAt: at(5_000),
      });
      expect(await store.listAnomalies(order.orderId)).toEqual([]);
      const other = await store.applyNotification(
        notification(order.orderId, { transactionId: 'OTHER', eventId: 'evt_other', receivedAt: at(7_000) }),
      );
      expect(other).toMatchObject({ outcome: 'already_paid', verdict: 'duplicate' });
      expect(await store.listAnomalies(order.orderId)).toEqual([
        {
          orderId: order.orderId,
          kind: 'transaction_mismatch',
          detail: `notify reported transaction OTHER, order was paid by T${order.orderId}`,
          at: at(7_000),
        },
      ]);
      expect((await store.listNotifications(order.orderId)).map((n) => [n.verdict, n.receivedAt])).toEqual([
        ['paid', at(5_000)],
        ['duplicate', at(6_000)],
        ['duplicate', at(7_000)],
      ]);
      expect((await store.listEvents(order.orderId)).map((e) => e.id)).toEqual([`evt_${order.orderId}`]);
      // The first transition wins.
      expect((await store.getOrder(order.orderId))?.transactionId).toBe(`T${order.orderId}`);
    });

    it('applyNotification of another amount or an unknown order logs it (and the anomaly) and pays nothing', async () => {
      const order = newOrder();
      await store.createOrder(order);
      const wrong = await store.applyNotification(notification(order.orderId, { amountFen: 1 }));
      expect(wrong).toMatchObject({ outcome: 'amount_mismatch', verdict: 'amount_mismatch' });
      expect(wrong.outcome === 'amount_mismatch' && wrong.order.status).toBe('NOTPAY');
      expect((await store.getOrder(order.orderId))?.status).toBe('NOTPAY');
      expect(await store.listEvents(order.orderId)).toEqual([]);
      expect(await store.listAnomalies(order.orderId)).toEqual([
        {
          orderId: order.orderId,
          kind: 'amount_mismatch',
          detail: 'notify reported 1 fen, order is 1230 fen',
          at: at(5_000),
        },
      ]);
      expect((await store.listNotifications(order.orderId)).map((n) => n.verdict)).toEqual([
        'amount_mismatch',
      ]);

      const unknown = 'E0000000000000000404';
      expect(await store.applyNotification(notification(unknown))).toEqual({
        outcome: 'not_found',
        verdict: 'unknown_order',
      });
      expect(await store.getOrder(unknown)).toBeNull();
      expect(await store.listEvents(unknown)).toEqual([]);
      expect((await store.listNotifications(unknown)).map((n) => [n.orderId, n.verdict])).toEqual([
        [unknown, 'unknown_order'],
      ]);
    });

    it('a failing applyNotification leaves neither the transition nor the log row, and fails no other write', async () => {
      const first = newOrder();
      const second = newOrder();
      const others = [newOrder(), newOrder()];
      for (const o of [first, second, ...others]) await store.createOrder(o);
      await store.applyNotification(notification(first.orderId, { eventId: 'evt_taken' }));
      // The transition of `second` succeeds and its event insert then fails (that event id exists): the whole
      // call must be undone. The writes issued with it, in the same turn, go through.
      const [failed, ...rest] = await Promise.allSettled([
        store.applyNotification(notification(second.orderId, { eventId: 'evt_taken' })),
        store.applyNotification(notification(others[0]!.orderId)),
        store.markPaid(paidInput(others[1]!.orderId)),
        store.recordNotification({ orderId: null, rawBody: 'x', verdict: 'malformed', receivedAt: at(9) }),
        store.createOrder(newOrder()),
      ]);
      expect(failed.status).toBe('rejected');
      expect(rest.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
      expect(await store.getOrder(second.orderId)).toMatchObject({ status: 'NOTPAY', transactionId: null });
      expect(await store.listNotifications(second.orderId)).toEqual([]);
      expect(await store.listEvents(second.orderId)).toEqual([]);
      expect((await store.getOrder(others[0]!.orderId))?.status).toBe('PAID');
      expect((await store.getOrder(others[1]!.orderId))?.status).toBe('PAID');
      // Nothing was lost: applied again with its own event id, it pays.
      expect((await store.applyNotification(notification(second.orderId))).outcome).toBe('paid');
    });

    it('racing applyNotification calls from two handles: one transition, one event, every one logged', async () => {
      const other = await another();
      const order = newOrder();
      await store.createOrder(order);
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          (i % 2 ? other : store).applyNotification(
            notification(order.orderId, { eventId: `evt_${order.orderId}_${i}` }),
          ),
        ),
      );
      expect(results.filter((r) => r.outcome === 'paid')).toHaveLength(1);
      expect(results.filter((r) => r.outcome === 'already_paid')).toHaveLength(11);
      for (const r of results) {
        expect(r.outcome !== 'not_found' && r.order.status).toBe('PAID');
      }
      expect(await store.listEvents(order.orderId)).toHaveLength(1);
      const verdicts = (await store.listNotifications(order.orderId)).map((n) => n.verdict);
      expect(verdicts.sort()).toEqual(['duplicate', ...Array(10).fill('duplicate'), 'paid'].sort());
      expect(await store.listAnomalies(order.orderId)).toEqual([]);
    });

    it('keeps notification bodies byte for byte, NUL and odd characters included', async () => {
      const order = newOrder();
      await store.createOrder(order);
      await store.recordNotification({
        orderId: null,
        claimedOrderId: order.orderId,
        rawBody: ODD_BODY,
        verdict: 'malformed',
        receivedAt: at(1),
      });
      await store.applyNotification(notification(order.orderId, { rawBody: `${ODD_BODY}&x=1` }));
      const bodies = (await store.listNotifications(order.orderId)).map((n) => n.rawBody);
      expect(bodies).toEqual([ODD_BODY, `${ODD_BODY}&x=1`]);
      expect(Buffer.from(bodies[0]!, 'utf8')).toEqual(Buffer.from(ODD_BODY, 'utf8'));
      expect(bodies[0]).toContain('\u0000');
      // A lone surrogate is no decoding of any received bytes: refused, naming the field, never altered.
      await expect(
        store.recordNotification({
          orderId: null,
          rawBody: 'a=\ud800',
          verdict: 'malformed',
          receivedAt: at(2),
        }),
      ).rejects.toThrow(/rawBody/);
      await expect(
        store.applyNotification(notification(order.orderId, { rawBody: 'b=\udfff', eventId: 'evt_lone' })),
      ).rejects.toThrow(/rawBody/);
      expect(await store.listNotifications(order.orderId)).toHaveLength(2);
    });

    it('keeps the notification log and anomalies per order, in order', async () => {
      const order = newOrder();
      await store.createOrder(order);
      await store.recordNotification({
        orderId: order.orderId,
        rawBody: 'a=1',
        verdict: 'paid',
        receivedAt: at(1),
      });
      await store.recordNotification({
        orderId: null,
        rawBody: 'garbage',
        verdict: 'malformed',
        receivedAt: at(2),
      });
      await store.recordNotification({
        orderId: order.orderId,
        rawBody: 'a=2',
        verdict: 'duplicate',
        receivedAt: at(3),
      });
      const verified = { claimedOrderId: null, bodyTruncated: false };
      expect(await store.listNotifications(order.orderId)).toEqual([
        { orderId: order.orderId, ...verified, rawBody: 'a=1', verdict: 'paid', receivedAt: at(1) },
        { orderId: order.orderId, ...verified, rawBody: 'a=2', verdict: 'duplicate', receivedAt: at(3) },
      ]);
      await store.recordAnomaly({
        orderId: order.orderId,
        kind: 'amount_mismatch',
        detail: '1 != 1230',
        at: at(4),
      });
      expect(await store.listAnomalies(order.orderId)).toEqual([
        { orderId: order.orderId, kind: 'amount_mismatch', detail: '1 != 1230', at: at(4) },
      ]);
      expect(await store.listAnomalies('E0000000000000000404')).toEqual([]);
    });

    it('files an unverified notification apart: the claimed id is labelled, never the order id', async () => {
      const order = newOrder();
      await store.createOrder(order);
      await store.recordNotification({
        orderId: order.orderId,
        rawBody: 'genuine',
        verdict: 'paid',
        receivedAt: at(1),
      });
      await store.recordNotification({
        orderId: null,
        claimedOrderId: order.orderId,
        rawBody: 'x'.repeat(512),
        bodyTruncated: true,
        verdict: 'bad_signature',
        receivedAt: at(2),
      });
      // A claim of another order does not show up here.
      await store.recordNotification({
        orderId: null,
        claimedOrderId: 'E0000000000000000404',
        rawBody: 'y',
        verdict: 'malformed',
        receivedAt: at(3),
      });
      expect(await store.listNotifications(order.orderId)).toEqual([
        {
          orderId: order.orderId,
          claimedOrderId: null,
          rawBody: 'genuine',
          bodyTruncated: false,
          verdict: 'paid',
          receivedAt: at(1),
        },
        {
          orderId: null,
          claimedOrderId: order.orderId,
          rawBody: 'x'.repeat(512),
          bodyTruncated: true,
          verdict: 'bad_signature',
          receivedAt: at(2),
        },
      ]);
    });

    it('prunes unverified notifications older than the cutoff, and nothing verified', async () => {
      const order = newOrder();
      await store.createOrder(order);
      const day = 24 * 60 * 60 * 1000;
      const entries = [
        { orderId: order.orderId, verdict: 'paid', receivedAt: at(0) },
        { orderId: null, claimedOrderId: order.orderId, verdict: 'bad_signature', receivedAt: at(1) },
        { orderId: null, claimedOrderId: null, verdict: 'malformed', receivedAt: at(2) },
        { orderId: null, claimedOrderId: order.orderId, verdict: 'malformed', receivedAt: at(40 * day) },
      ];
      for (const e of entries) await store.recordNotification({ ...e, rawBody: e.verdict });
      // The cutoff is exclusive: a row received exactly at it stays.
      expect(await store.prune({ unverifiedNotificationsBefore: at(2) })).toEqual({
        notifications: 1,
        idempotencyKeys: 0,
        gatewayQueries: 0,
      });
      expect(await store.prune({ unverifiedNotificationsBefore: at(30 * day) })).toEqual({
        notifications: 1,
        idempotencyKeys: 0,
        gatewayQueries: 0,
      });
      expect(await store.prune({})).toEqual({ notifications: 0, idempotencyKeys: 0, gatewayQueries: 0 });
      expect((await store.listNotifications(order.orderId)).map((n) => [n.verdict, n.receivedAt])).toEqual([
        ['paid', at(0)],
        ['malformed', at(40 * day)],
      ]);
      // Verified rows are kept however old they are.
      expect(await store.prune({ unverifiedNotificationsBefore: at(400 * day) })).toEqual({
        notifications: 1,
        idempotencyKeys: 0,
        gatewayQueries: 0,
      });
      expect((await store.listNotifications(order.orderId)).map((n) => n.verdict)).toEqual(['paid']);
    });

    it("logs an order's gateway queries and lists the newest first, capped, with the total", async () => {
      const order = newOrder();
      const other = newOrder();
      const query = (
        id: string,
        n: number,
        overrides: Partial<GatewayQueryEntry> = {},
      ): GatewayQueryEntry => ({
        orderId: id,
        gatewayId: 'default',
        trigger: 'scheduled',
        outcome: 'not_paid',
        detail: `NOTPAY ${n}`,
        at: at(n * 1_000),
        durationMs: n,
        ...overrides,
      });
      for (let n = 1; n <= 5; n += 1) await store.recordGatewayQuery(query(order.orderId, n));
      await store.recordGatewayQuery(
        query(order.orderId, 6, {
          gatewayId: 'b',
          trigger: 'console',
          outcome: 'failed',
          detail: `HTTP 502 ${'x'.repeat(400)}`,
          durationMs: 12.6,
        }),
      );
      await store.recordGatewayQuery(query(other.orderId, 7, { trigger: 'status', detail: null }));
      const page = await store.listGatewayQueries(order.orderId, 3);
      expect(page.total).toBe(6);
      expect(page.entries.map((q) => q.detail?.slice(0, 8))).toEqual(['HTTP 502', 'NOTPAY 5', 'NOTPAY 4']);
      // The detail is cut to its limit and the duration rounded, the same on every store.
      expect(page.entries[0]).toEqual({
        ...query(order.orderId, 6, { gatewayId: 'b', trigger: 'console', outcome: 'failed', durationMs: 13 }),
        detail: `HTTP 502 ${'x'.repeat(400)}`.slice(0, GATEWAY_QUERY_DETAIL_LIMIT),
      });
      expect(await store.listGatewayQueries(other.orderId, 10)).toEqual({
        entries: [query(other.orderId, 7, { trigger: 'status', detail: null })],
        total: 1,
      });
      expect(await store.listGatewayQueries(newOrder().orderId, 10)).toEqual({ entries: [], total: 0 });
      // The cutoff is exclusive, as for notifications: the query sent exactly at it stays.
      expect(await store.prune({ gatewayQueriesBefore: at(3_000) })).toEqual({
        notifications: 0,
        idempotencyKeys: 0,
        gatewayQueries: 2,
      });
      expect((await store.listGatewayQueries(order.orderId, 10)).total).toBe(4);
    });

    it('refuses a gateway query of an unknown trigger and a list limit out of range', async () => {
      const entry: GatewayQueryEntry = {
        orderId: newOrder().orderId,
        gatewayId: 'default',
        trigger: 'loop' as GatewayQueryEntry['trigger'],
        outcome: 'not_paid',
        detail: null,
        at: T0,
        durationMs: 1,
      };
      await expect(store.recordGatewayQuery(entry)).rejects.toThrow(/trigger/);
      await expect(store.listGatewayQueries(entry.orderId, 0)).rejects.toThrow(/limit/);
      await expect(store.listGatewayQueries(entry.orderId, 1001)).rejects.toThrow(/limit/);
    });

    it('claims only due unpaid orders, holds the claim for the lease, and releases it on schedule', async () => {
      const due = newOrder({ nextQueryAt: at(1_000) });
      const later = newOrder({ nextQueryAt: at(60_000) });
      const never = newOrder({ nextQueryAt: null });
      const paid = newOrder({ nextQueryAt: at(1_000) });
      for (const o of [due, later, never, paid]) await store.createOrder(o);
      await store.markPaid(paidInput(paid.orderId));

      const claimed = await store.claimDueOrders(at(2_000), 10, 30_000);
      expect(claimed.map((o) => o.orderId)).toEqual([due.orderId]);
      // Claimed: invisible to every other scan until the lease runs out...
      expect(await store.claimDueOrders(at(2_001), 10, 30_000)).toEqual([]);
      // ...and claimable again after it (a crashed instance's claim comes back by itself).
      expect((await store.claimDueOrders(at(32_001), 10, 30_000)).map((o) => o.orderId)).toEqual([
        due.orderId,
      ]);

      await store.scheduleNextQuery(due.orderId, at(40_000), 1);
      expect(await store.getOrder(due.orderId)).toMatchObject({ nextQueryAt: at(40_000), queryAttempts: 1 });
      // Scheduling releases the claim: due again at its new time, not only after the lease.
      expect((await store.claimDueOrders(at(40_000), 10, 30_000)).map((o) => o.orderId)).toEqual([
        due.orderId,
      ]);
      // `due` is still inside its 30 s lease from 40 s.
      expect((await store.claimDueOrders(at(60_000), 10, 30_000)).map((o) => o.orderId)).toEqual([
        later.orderId,
      ]);
      await store.scheduleNextQuery(due.orderId, null, 2);
      await store.scheduleNextQuery(later.orderId, null, 1);
      expect(await store.claimDueOrders(at(999_999_999), 10, 1)).toEqual([]);
      expect(await store.getOrder(due.orderId)).toMatchObject({ nextQueryAt: null, queryAttempts: 2 });
    });

    it('respects the claim limit, oldest due first', async () => {
      const orders = [3, 1, 2].map((s) => newOrder({ nextQueryAt: at(s * 1_000) }));
      for (const o of orders) await store.createOrder(o);
      const first = await store.claimDueOrders(at(5_000), 2, 30_000);
      expect(first.map((o) => o.nextQueryAt)).toEqual([at(1_000), at(2_000)]);
      const rest = await store.claimDueOrders(at(5_000), 2, 30_000);
      expect(rest.map((o) => o.nextQueryAt)).toEqual([at(3_000)]);
    });

    it('never hands one order to two concurrent claimers', async () => {
      const others = [await another(), await another()];
      const ids = [];
      for (let i = 0; i < 30; i += 1) {
        const o = newOrder({ nextQueryAt: at(i) });
        ids.push(o.orderId);
        await store.createOrder(o);
      }
      const claims = await Promise.all(
        Array.from({ length: 9 }, (_, i) => [store, ...others][i % 3]!.claimDueOrders(at(1_000), 4, 60_000)),
      );
      const all = claims.flat().map((o) => o.orderId);
      expect(new Set(all).size).toBe(all.length);
      expect(all.length).toBeLessThanOrEqual(30);
      // 9 claimers x 4 = 36 slots for 30 rows: every row is taken by someone.
      expect(new Set(all)).toEqual(new Set(ids));
    });

    it('does not reschedule an order that was paid while its query was in flight', async () => {
      const order = newOrder({ nextQueryAt: at(0) });
      await store.createOrder(order);
      await store.claimDueOrders(at(1), 10, 30_000);
      await store.markPaid(paidInput(order.orderId, { via: 'notify' }));
      await store.scheduleNextQuery(order.orderId, at(60_000), 1);
      expect(await store.claimDueOrders(at(999_999), 10, 30_000)).toEqual([]);
      expect((await store.getOrder(order.orderId))?.status).toBe('PAID');
    });

    it('a spent query budget keeps an order out of the claims until the shopper is seen at the gateway', async () => {
      const widget = newOrder({ nextQueryAt: at(1_000), queryBudget: 2 });
      const returning = newOrder({ nextQueryAt: at(1_000), queryBudget: 2 });
      const api = newOrder({ nextQueryAt: at(1_000) });
      for (const o of [widget, returning, api]) await store.createOrder(o);
      const claim = async (ms: number) =>
        (await store.claimDueOrders(at(ms), 10, 1)).map((o) => o.orderId).sort();
      const everyone = [widget.orderId, returning.orderId, api.orderId].sort();

      expect(await claim(1_000)).toEqual(everyone);
      for (const o of [widget, returning, api]) await store.scheduleNextQuery(o.orderId, at(2_000), 1);
      expect(await claim(2_000)).toEqual(everyone);
      for (const o of [widget, returning, api]) await store.scheduleNextQuery(o.orderId, at(3_000), 2);
      // Two queries spent: only the order without a budget is due at its next point, and later.
      expect(await claim(3_000)).toEqual([api.orderId]);
      await store.scheduleNextQuery(api.orderId, at(4_000), 3);
      expect(await claim(4_000)).toEqual([api.orderId]);
      await store.scheduleNextQuery(api.orderId, at(60_000), 4);
      expect(await claim(5_000)).toEqual([]);

      // A signal lifts the budget: the order is due again at once (its next point is past), and after that too.
      expect(await store.recordReach(widget.orderId, 'submitted', at(5_000))).toBe(true);
      expect(await store.recordReach(returning.orderId, 'returned', at(5_000))).toBe(true);
      expect(await claim(5_000)).toEqual([widget.orderId, returning.orderId].sort());
      await store.scheduleNextQuery(widget.orderId, at(6_000), 3);
      await store.scheduleNextQuery(returning.orderId, at(60_000), 3);
      expect(await claim(6_000)).toEqual([widget.orderId]);
      // Idempotent, and false for an order that does not exist.
      expect(await store.recordReach(widget.orderId, 'submitted', at(7_000))).toBe(true);
      expect(await store.recordReach('E0000000000000000404', 'returned', at(7_000))).toBe(false);
      await expect(store.recordReach(widget.orderId, 'seen' as 'submitted', at(7_000))).rejects.toThrow(
        /signal/,
      );
      // A budget of 0 asks nothing until a signal.
      const silent = newOrder({ nextQueryAt: at(1_000), queryBudget: 0 });
      await store.createOrder(silent);
      expect(await claim(8_000)).not.toContain(silent.orderId);
    });

    it('releases claims of orders it did not query, leaving their schedule as it was', async () => {
      const a = newOrder({ nextQueryAt: at(1_000) });
      const b = newOrder({ nextQueryAt: at(2_000) });
      for (const o of [a, b]) await store.createOrder(o);
      const other = await another();
      expect((await store.claimDueOrders(at(3_000), 10, 60_000)).map((o) => o.orderId)).toEqual([
        a.orderId,
        b.orderId,
      ]);
      await store.releaseClaims([b.orderId]);
      await store.releaseClaims([]);
      // Due at once for any handle, with the same next point and attempts.
      const again = await other.claimDueOrders(at(3_001), 10, 60_000);
      expect(again.map((o) => [o.orderId, o.nextQueryAt, o.queryAttempts])).toEqual([
        [b.orderId, at(2_000), 0],
      ]);
    });

    it('takes query slots up to the cap of a second, atomically across handles', async () => {
      const others = [await another(), await another()];
      const handles = [store, ...others];
      const second = 1_709_265_600;
      // 30 concurrent takes of 3 from three handles on a cap of 10: exactly 10 are handed out.
      const takes = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          handles[i % 3]!.takeQuerySlots({ gatewayId: 'gw', epochSecond: second, want: 3, upTo: 10 }),
        ),
      );
      expect(takes.reduce((sum, n) => sum + n, 0)).toBe(10);
      expect(Math.max(...takes)).toBeLessThanOrEqual(3);
      expect(await store.takeQuerySlots({ gatewayId: 'gw', epochSecond: second, want: 1, upTo: 10 })).toBe(0);
      // Another second and another gateway count apart.
      expect(
        await store.takeQuerySlots({ gatewayId: 'gw', epochSecond: second + 1, want: 4, upTo: 10 }),
      ).toBe(4);
      expect(await store.takeQuerySlots({ gatewayId: 'gw2', epochSecond: second, want: 12, upTo: 10 })).toBe(
        10,
      );
      // A lower ceiling stops earlier on the same count: 4 used, up to 5 leaves one.
      expect(await store.takeQuerySlots({ gatewayId: 'gw', epochSecond: second + 1, want: 3, upTo: 5 })).toBe(
        1,
      );
      expect(await store.takeQuerySlots({ gatewayId: 'gw', epochSecond: second + 1, want: 3, upTo: 4 })).toBe(
        0,
      );
      expect(await store.takeQuerySlots({ gatewayId: 'gw', epochSecond: second + 1, want: 0, upTo: 9 })).toBe(
        0,
      );
      // A second more than a minute old is forgotten once a later one is taken.
      await store.takeQuerySlots({ gatewayId: 'gw', epochSecond: second + 200, want: 1, upTo: 10 });
      expect(await store.takeQuerySlots({ gatewayId: 'gw', epochSecond: second, want: 2, upTo: 10 })).toBe(2);
      for (const bad of [
        { gatewayId: '', epochSecond: second, want: 1, upTo: 1 },
        { gatewayId: 'gw', epochSecond: 1.5, want: 1, upTo: 1 },
        { gatewayId: 'gw', epochSecond: second, want: -1, upTo: 1 },
        { gatewayId: 'gw', epochSecond: second, want: 1, upTo: Number.NaN },
      ]) {
        await expect(store.takeQuerySlots(bad)).rejects.toThrow(TypeError);
      }
    });

    it('claims due outbox events with a lease, records failures and deliveries', async () => {
      const a = newOrder();
      const b = newOrder();
      await store.createOrder(a);
      await store.createOrder(b);
      await store.markPaid(paidInput(a.orderId, { paidAt: at(1_000) }));
      await store.markPaid(paidInput(b.orderId, { paidAt: at(2_000) }));

      expect(await store.claimDueEvents(at(500), 10, 30_000)).toEqual([]);
      const claimed = await store.claimDueEvents(at(3_000), 10, 30_000);
      expect(claimed.map((e) => e.id)).toEqual([`evt_${a.orderId}`, `evt_${b.orderId}`]);
      expect(await store.claimDueEvents(at(3_001), 10, 30_000)).toEqual([]);

      await store.markEventFailed(`evt_${a.orderId}`, at(10_000), 'HTTP 500');
      await store.markEventDelivered(`evt_${b.orderId}`, at(3_500));
      const [failed] = await store.listEvents(a.orderId);
      expect(failed).toMatchObject({
        attempts: 1,
        nextAttemptAt: at(10_000),
        lastError: 'HTTP 500',
        deliveredAt: null,
      });
      const [delivered] = await store.listEvents(b.orderId);
      expect(delivered).toMatchObject({ attempts: 1, deliveredAt: at(3_500) });

      // The failure released the claim for its retry time; the delivered one is never claimed again.
      expect(await store.claimDueEvents(at(9_999), 10, 30_000)).toEqual([]);
      const retry = await store.claimDueEvents(at(10_000), 10, 30_000);
      expect(retry.map((e) => [e.id, e.attempts])).toEqual([[`evt_${a.orderId}`, 1]]);
      expect((await store.listEvents()).map((e) => e.id)).toEqual([`evt_${a.orderId}`, `evt_${b.orderId}`]);
    });

    it('never hands one event to two concurrent senders', async () => {
      const other = await another();
      for (let i = 0; i < 20; i += 1) {
        const o = newOrder();
        await store.createOrder(o);
        await store.markPaid(paidInput(o.orderId, { paidAt: at(i) }));
      }
      const claims = await Promise.all(
        Array.from({ length: 8 }, (_, i) => (i % 2 ? other : store).claimDueEvents(at(1_000), 3, 60_000)),
      );
      const all = claims.flat().map((e) => e.id);
      expect(new Set(all).size).toBe(all.length);
      expect(all).toHaveLength(20);
    });
  });
}
