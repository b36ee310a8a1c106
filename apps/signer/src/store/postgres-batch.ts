/**
 * @module store/postgres-batch
 * The one statement that runs a batch of the PostgreSQL store's writes (`postgres-group-commit.ts`): order inserts,
 * paid transitions with their outbox events, notification log rows and anomalies, each kind a multi-row step of
 * one `WITH` query, so any mix of writes costs one round trip and one commit.
 *
 * The batch's rows travel as four JSON arrays (`json_to_recordset`), one parameter per kind: one string for the
 * driver to send and the server to parse, whatever the batch size, and a fixed statement text, so it is prepared
 * once per connection. The answer is one row of two JSON values, parsed once.
 *
 * Paid transitions: one conditional `UPDATE ... WHERE status = 'NOTPAY' AND amount_fen = ...` over the batch's
 * transitions, so of any number of concurrent ones for an order, across batches and instances, exactly one matches;
 * its `RETURNING` names the transitions that happened, and the outbox events are inserted from it. A transition
 * of a notification also writes the notification's log row, its verdict decided in the same statement, and any
 * anomaly, so the transition and its log row commit together or not at all. The order's state for the other
 * outcomes is read in the same statement (`p_cur`), from the statement's snapshot: an order paid by another
 * transaction that committed after the snapshot was taken shows as unpaid there although the `UPDATE` (which waits
 * for the row and re-checks it) found it paid. Such an answer is marked `stale` for the store to read the order
 * again.
 */
import { DEFAULT_ACCOUNT_ID } from '../config/gateway-accounts.ts';
import { type AnomalyEntry, type NewOrder, type OrderRecord, type PaidVia } from './order-store.ts';

/** A paid transition; with `notification`, also its log row and anomaly (the `applyNotification` path). */
export interface PayOp {
  orderId: string;
  transactionId: string;
  amountFen: number;
  paidAt: Date;
  via: PaidVia;
  eventId: string;
  /** The event's payload as given (`markPaid`); null: built from the order in SQL (`paidEventPayload`). */
  payload: Record<string, unknown> | null;
  /**
   * A notification's log row, and the gateway account whose key verified it: the transition is made only on an
   * order bound to that account (otherwise the outcome is `gateway_mismatch`).
   */
  notification: { body: Buffer; receivedAt: Date; gatewayId: string } | null;
}

/** One write of a batch. */
export type WriteOp =
  | { kind: 'order'; order: NewOrder }
  | { kind: 'pay'; pay: PayOp }
  | {
      kind: 'log';
      orderId: string | null;
      claimedOrderId: string | null;
      body: Buffer;
      bodyTruncated: boolean;
      verdict: string;
      receivedAt: Date;
    }
  | { kind: 'anomaly'; entry: AnomalyEntry };

/** What a write did. */
export type WriteResult =
  | { kind: 'order'; inserted: boolean }
  | {
      kind: 'pay';
      outcome: 'paid' | 'already_paid' | 'amount_mismatch' | 'not_found' | 'gateway_mismatch';
      order: OrderRecord | null;
      /**
       * The order was read before a concurrent transition: `order` is that transition's record when it was in the
       * same batch (status PAID), else the unpaid record read, for the store to read again.
       */
      stale: boolean;
    }
  | { kind: 'done' };

/** An order's record columns as a JSON array, times in epoch milliseconds (see {@link orderFromJson}). */
export const orderJson = (
  o: string,
): string => `json_build_array(${o}.order_id, ${o}.member_id, ${o}.amount_fen, ${o}.bank_code,
  ${o}.product_name, ${o}.attach, ${o}.status, ${o}.transaction_id, ${o}.paid_via,
  (extract(epoch FROM ${o}.created_at) * 1000)::bigint, (extract(epoch FROM ${o}.paid_at) * 1000)::bigint,
  (extract(epoch FROM ${o}.next_query_at) * 1000)::bigint, ${o}.query_attempts, ${o}.gateway_id)`;

/** The statement; `$1`..`$4`: JSON arrays of orders, transitions, log rows and anomalies (or null for none). */
export const BATCH_STATEMENT = `
WITH
o_in AS (
  SELECT * FROM json_to_recordset($1::json) AS t(i int, order_id text, member_id text, amount_fen bigint,
    bank_code text, product_name text, attach text, created_at timestamptz, next_query_at timestamptz,
    request_fields jsonb, idempotency_key text, idempotency_body_hash text, query_budget int, gateway_id text)),
o_new AS (
  INSERT INTO orders (order_id, member_id, amount_fen, bank_code, product_name, attach, created_at, next_query_at,
                      request_fields, idempotency_key, idempotency_body_hash, query_budget, gateway_id)
  SELECT order_id, member_id, amount_fen, bank_code, product_name, attach, created_at, next_query_at,
         request_fields, idempotency_key, idempotency_body_hash, query_budget, gateway_id
    FROM o_in ORDER BY i
  -- A key already taken (by an earlier order, or one earlier in this batch) inserts nothing: the store then
  -- replays or refuses.
  ON CONFLICT (idempotency_key) DO NOTHING
  RETURNING order_id),
p_in AS (
  SELECT * FROM json_to_recordset($2::json) AS t(i int, order_id text, transaction_id text, tx64 text,
    amount_fen bigint, paid_at text, via text, event_id text, payload json, notification boolean,
    raw_body text, received_at timestamptz, gateway_id text)),
-- The orders the transitions name, as an array: matched by order_id = ANY(...), they are read through the primary
-- key by every plan. A join to the batch's rows alone lets a plan made while the table was small (and kept by the
-- prepared statement as it grows) scan the whole table on every batch.
p_ids AS (SELECT array_agg(order_id) AS ids FROM p_in),
p_cur AS (
  SELECT p.i, o.amount_fen, o.status, o.transaction_id, o.gateway_id, ${orderJson('o')} AS rec
    FROM p_in p JOIN orders o ON o.order_id = p.order_id
   WHERE o.order_id = ANY((SELECT ids FROM p_ids)::text[])),
p_done AS (
  -- Fed in order-id order, so that with the usual plan (a nested loop over the batch) two batches wanting the same
  -- rows lock them in the same order. Any plan is correct: a deadlock fails the batch, which is retried write by
  -- write (postgres-group-commit.ts).
  UPDATE orders o
     SET status = 'PAID', transaction_id = p.transaction_id, paid_at = p.paid_at::timestamptz, paid_via = p.via,
         next_query_at = NULL, claimed_until = NULL
    FROM (SELECT * FROM p_in ORDER BY order_id, i) p
   WHERE o.order_id = ANY((SELECT ids FROM p_ids)::text[])
     AND o.order_id = p.order_id AND o.status = 'NOTPAY' AND o.amount_fen = p.amount_fen
     -- A notification pays only an order of the account whose key verified it (markPaid's queries name none).
     AND (p.gateway_id IS NULL OR o.gateway_id = p.gateway_id)
  RETURNING p.i, ${orderJson('o')} AS rec, o.order_id, o.amount_fen, o.bank_code, o.product_name, o.attach),
p_event AS (
  INSERT INTO outbox_events (id, type, order_id, payload, created_at, next_attempt_at)
  SELECT p.event_id, 'order.paid', d.order_id,
         -- The same keys, in the same order, as paidEventPayload (order-store.ts).
         COALESCE(p.payload, json_build_object('orderId', d.order_id, 'amountFen', d.amount_fen,
           'bankCode', d.bank_code, 'productName', d.product_name, 'attach', d.attach,
           'transactionId', p.transaction_id, 'paidAt', p.paid_at, 'via', p.via)),
         p.paid_at::timestamptz, p.paid_at::timestamptz
    FROM p_done d JOIN p_in p ON p.i = d.i
  RETURNING 1),
p_out AS (
  SELECT p.i, p.order_id, p.notification, p.raw_body, p.received_at, p.via, p.amount_fen, p.transaction_id, p.tx64,
         p.gateway_id, c.gateway_id AS order_gateway,
         c.amount_fen AS order_amount, c.status AS order_status, c.transaction_id AS order_transaction,
         CASE WHEN d.i IS NOT NULL THEN 'paid'
              WHEN c.i IS NULL THEN 'not_found'
              WHEN p.gateway_id IS NOT NULL AND c.gateway_id <> p.gateway_id THEN 'gateway_mismatch'
              WHEN c.amount_fen <> p.amount_fen THEN 'amount_mismatch'
              ELSE 'already_paid' END AS outcome,
         COALESCE(d.rec, c.rec) AS rec
    FROM p_in p LEFT JOIN p_done d ON d.i = p.i LEFT JOIN p_cur c ON c.i = p.i),
n_new AS (
  INSERT INTO notifications (order_id, claimed_order_id, raw_body, body_truncated, verdict, received_at)
  SELECT order_id, claimed_order_id, decode(raw_body, 'hex'), body_truncated, verdict, received_at FROM (
      SELECT i, order_id, claimed_order_id, raw_body, body_truncated, verdict, received_at
        FROM json_to_recordset($3::json) AS t(i int, order_id text, claimed_order_id text, raw_body text,
          body_truncated boolean, verdict text, received_at timestamptz)
      UNION ALL
      -- The verdicts of NOTIFICATION_VERDICTS (order-store.ts).
      SELECT i, order_id, NULL, raw_body, false,
             CASE outcome WHEN 'paid' THEN 'paid' WHEN 'already_paid' THEN 'duplicate'
                          WHEN 'amount_mismatch' THEN 'amount_mismatch'
                          WHEN 'gateway_mismatch' THEN 'gateway_mismatch' ELSE 'unknown_order' END,
             received_at
        FROM p_out WHERE notification) n
   ORDER BY i
  RETURNING 1),
a_new AS (
  INSERT INTO anomalies (order_id, kind, detail, at)
  SELECT order_id, kind, detail, at FROM (
      SELECT i, order_id, kind, detail, at
        FROM json_to_recordset($4::json) AS t(i int, order_id text, kind text, detail text, at timestamptz)
      UNION ALL
      -- gatewayMismatchDetail (order-store.ts): an order's account never changes, so no snapshot is stale for it.
      SELECT i, order_id, 'gateway_mismatch',
             'notify verified with the key of gateway account ' || gateway_id || ', order is bound to ' || order_gateway,
             received_at
        FROM p_out WHERE notification AND outcome = 'gateway_mismatch'
      UNION ALL
      -- The anomalies of notificationAnomaly (order-store.ts), for the outcomes read from this statement's
      -- snapshot; a stale one is left to the store.
      SELECT i, order_id, 'amount_mismatch',
             via || ' reported ' || amount_fen || ' fen, order is ' || order_amount || ' fen', received_at
        FROM p_out WHERE notification AND outcome = 'amount_mismatch'
      UNION ALL
      SELECT i, order_id, 'transaction_mismatch',
             via || ' reported transaction ' || tx64 || ', order was paid by ' || order_transaction, received_at
        FROM p_out
       WHERE notification AND outcome = 'already_paid' AND order_status = 'PAID'
         AND order_transaction IS NOT NULL AND transaction_id <> '' AND order_transaction <> transaction_id) a
   ORDER BY i
  RETURNING 1)
SELECT (SELECT json_agg(order_id) FROM o_new) AS orders,
       (SELECT json_agg(json_build_array(i, outcome, rec, outcome = 'already_paid' AND order_status = 'NOTPAY'))
          FROM p_out) AS pays`;

/** The statement's four parameters for `ops`: each kind's rows as a JSON text (null when there are none). */
export function batchParams(ops: readonly WriteOp[]): (string | null)[] {
  const orders: unknown[] = [];
  const pays: unknown[] = [];
  const logs: unknown[] = [];
  const anomalies: unknown[] = [];
  ops.forEach((op, i) => {
    switch (op.kind) {
      case 'order': {
        const o = op.order;
        orders.push({
          i,
          order_id: o.orderId,
          member_id: o.memberId,
          amount_fen: o.amountFen,
          bank_code: o.bankCode,
          product_name: o.productName,
          attach: o.attach,
          created_at: o.createdAt,
          next_query_at: o.nextQueryAt,
          request_fields: o.requestFields,
          idempotency_key: o.idempotency?.key ?? null,
          idempotency_body_hash: o.idempotency?.bodyHash ?? null,
          query_budget: o.queryBudget ?? null,
          gateway_id: o.gatewayId ?? DEFAULT_ACCOUNT_ID,
        });
        break;
      }
      case 'pay': {
        const p = op.pay;
        pays.push({
          i,
          order_id: p.orderId,
          transaction_id: p.transactionId,
          // notificationAnomaly cuts at 64 UTF-16 units; SQL's left() would count characters.
          tx64: p.transactionId.slice(0, 64),
          amount_fen: p.amountFen,
          paid_at: p.paidAt.toISOString(),
          via: p.via,
          event_id: p.eventId,
          payload: p.payload,
          notification: p.notification !== null,
          raw_body: p.notification?.body.toString('hex') ?? null,
          received_at: p.notification?.receivedAt ?? null,
          gateway_id: p.notification?.gatewayId ?? null,
        });
        break;
      }
      case 'log':
        logs.push({
          i,
          order_id: op.orderId,
          claimed_order_id: op.claimedOrderId,
          raw_body: op.body.toString('hex'),
          body_truncated: op.bodyTruncated,
          verdict: op.verdict,
          received_at: op.receivedAt,
        });
        break;
      case 'anomaly':
        anomalies.push({
          i,
          order_id: op.entry.orderId,
          kind: op.entry.kind,
          detail: op.entry.detail,
          at: op.entry.at,
        });
        break;
    }
  });
  const text = (rows: unknown[]) => (rows.length === 0 ? null : JSON.stringify(rows));
  return [text(orders), text(pays), text(logs), text(anomalies)];
}

type OrderJson = [
  orderId: string,
  memberId: string,
  amountFen: number,
  bankCode: string,
  productName: string,
  attach: string | null,
  status: 'NOTPAY' | 'PAID',
  transactionId: string | null,
  paidVia: PaidVia | null,
  createdAt: number,
  paidAt: number | null,
  nextQueryAt: number | null,
  queryAttempts: number,
  gatewayId: string,
];

/** An order record from the statement's JSON array (see `orderJson`). */
export function orderFromJson(t: OrderJson): OrderRecord {
  return {
    orderId: t[0],
    memberId: t[1],
    amountFen: Number(t[2]),
    bankCode: t[3],
    productName: t[4],
    attach: t[5],
    status: t[6],
    transactionId: t[7],
    paidVia: t[8],
    createdAt: new Date(t[9]),
    paidAt: t[10] === null ? null : new Date(t[10]),
    nextQueryAt: t[11] === null ? null : new Date(t[11]),
    queryAttempts: t[12],
    gatewayId: t[13],
  };
}

/** Each write's result, from the statement's answer row. */
export function batchResults(
  ops: readonly WriteOp[],
  row: { orders: string[] | null; pays: [number, string, OrderJson | null, boolean][] | null },
): WriteResult[] {
  const inserted = new Set(row.orders ?? []);
  const pays = new Map((row.pays ?? []).map((p) => [p[0], p]));
  // The record each transition of this batch left: a write that lost to it in the same statement read the order
  // before it (stale), and gets the winner's record.
  const paidNow = new Map<string, OrderJson>();
  for (const [, outcome, rec] of pays.values()) if (outcome === 'paid' && rec) paidNow.set(rec[0], rec);
  return ops.map((op, i): WriteResult => {
    switch (op.kind) {
      case 'order':
        return { kind: 'order', inserted: inserted.has(op.order.orderId) };
      case 'pay': {
        const [, outcome, rec, stale] = pays.get(i)!;
        const current = stale ? (paidNow.get(op.pay.orderId) ?? rec) : rec;
        return {
          kind: 'pay',
          outcome: outcome as 'paid' | 'already_paid' | 'amount_mismatch' | 'not_found' | 'gateway_mismatch',
          order: current === null ? null : orderFromJson(current),
          stale,
        };
      }
      default:
        return { kind: 'done' };
    }
  });
}
