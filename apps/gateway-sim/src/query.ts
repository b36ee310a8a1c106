/**
 * @module query
 * `Pay_Trade_query.html` (docs/protocol.md#order-query, the server's `TradeController`): checks in its order
 * (member id, merchant, order id present, signature, order exists), then a JSON answer served as `text/html`
 * (the server echoes `json_encode` without a content type). `returncode` is `"00"` even for `NOTPAY`, and
 * `time_end` of an unpaid order is the Unix epoch in China time, `1970-01-01 08:00:00`.
 */
import { formatChinaDateTime, formatYuan, QUERY_SIGNED_FIELDS, sign, type Fields } from '@jupay/core';
import type { Behaviour } from './faults.ts';
import { gatewayError, type GatewayErrorBody } from './gateway-error.ts';
import { filterInput, phpIntval } from './input-filter.ts';
import type { Merchant } from './merchants.ts';
import type { Order, OrderBook } from './orders.ts';

/**
 * `date('Y-m-d H:i:s', 0)` on a server in China time: the `time_end` of an unpaid order.
 *
 * @example
 * answer.time_end === EPOCH_CHINA; // not paid (yet)
 */
export const EPOCH_CHINA = '1970-01-01 08:00:00';

/** What the query needs from the gateway. */
export interface QueryContext {
  merchants: ReadonlyMap<string, Merchant>;
  orders: OrderBook;
  behaviour(memberId: string, orderId: string): Behaviour;
}

/** The outcome: a JSON error, an HTTP failure (fault), or the answer body. */
export type QueryOutcome =
  | { kind: 'error'; error: GatewayErrorBody }
  | { kind: 'http-500' }
  | { kind: 'answer'; body: Record<string, unknown> };

interface OrderAnswer extends Fields {
  memberid: string;
  orderid: string;
  amount: string;
  time_end: string;
  transaction_id: string;
  returncode: string;
  trade_state: string;
}

function orderFields(order: Order, behaviour: Behaviour): OrderAnswer {
  return {
    memberid: order.memberId,
    orderid: order.orderId,
    amount: formatYuan(order.amountFen, behaviour.amountDecimals),
    time_end: order.paidAt ? formatChinaDateTime(order.paidAt) : EPOCH_CHINA,
    transaction_id: order.transactionId,
    returncode: '00',
    trade_state: order.status,
  };
}

/**
 * Answers one query request.
 *
 * @example
 * const outcome = answerQuery({ pay_memberid: '10002', pay_orderid: 'E1', pay_md5sign: '…' }, context);
 * if (outcome.kind === 'answer') outcome.body.trade_state; // 'NOTPAY' or 'SUCCESS'
 */
export function answerQuery(received: Fields, context: QueryContext): QueryOutcome {
  const fail = (msg: string): QueryOutcome => ({ kind: 'error', error: gatewayError(msg) });
  const memberNumber = phpIntval(received.pay_memberid);
  if (memberNumber - 10000 <= 0) return fail('不存在的商户编号!');
  const merchant = context.merchants.get(String(memberNumber));
  if (!merchant) return fail('商户不存在');

  const orderId = filterInput(received.pay_orderid ?? '');
  if (orderId === '') return fail('不存在的交易订单号.');

  const behaviour = context.behaviour(merchant.memberId, orderId);
  const signed: Fields = { pay_memberid: String(memberNumber), pay_orderid: orderId };
  const expected = sign(signed, merchant.key, {
    signedFields: QUERY_SIGNED_FIELDS,
    dialect: behaviour.dialect,
  });
  if (filterInput(received.pay_md5sign ?? '') !== expected) return fail('验签失败!');

  if (behaviour.query === 'http-500') return { kind: 'http-500' };
  if (behaviour.query === 'error') return fail('系统错误');

  const order = context.orders.find(merchant.memberId, orderId);
  if (!order) return fail('不存在的交易订单.');

  const fields = orderFields(order, behaviour);
  if (behaviour.query === 'data-array') {
    // The fork that nests the order in `data[]`: memberid is the request's intval (a JSON number), the signature
    // covers memberid + returncode + the first order's fields, and its time_end reads a field of the result list
    // instead of the row, so it is always the epoch, paid or not.
    const row = {
      orderid: fields.orderid,
      amount: fields.amount,
      time_end: EPOCH_CHINA,
      transaction_id: fields.transaction_id,
      trade_state: fields.trade_state,
    };
    const signature = sign({ memberid: String(memberNumber), returncode: '00', ...row }, merchant.key, {
      dialect: behaviour.dialect,
    });
    return {
      kind: 'answer',
      body: { memberid: memberNumber, returncode: '00', sign: signature, data: [row] },
    };
  }
  return {
    kind: 'answer',
    body: { ...fields, sign: sign(fields, merchant.key, { dialect: behaviour.dialect }) },
  };
}
