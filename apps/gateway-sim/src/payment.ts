/**
 * @module payment
 * The payment request checks of `Pay_Index.html`, in the real server's order (docs/protocol.md#payment-request;
 * the server's `firstCheckParams`, `judgeRepeatOrder`, then `verify`): merchant, amount, bank code, order id,
 * duplicate, signature. Values are filtered first (strip_tags + htmlspecialchars), `pay_memberid` goes through
 * `intval`, and the signature must equal the computed one exactly (case-sensitive string comparison).
 */
import {
  MAX_AMOUNT_FEN,
  PAYMENT_SIGNED_FIELDS,
  parseYuan,
  sign,
  type BankCodeInfo,
  type Fields,
} from '@jupay/core';
import type { Behaviour } from './faults.ts';
import { gatewayError, type GatewayErrorBody } from './gateway-error.ts';
import { filterInput, phpIntval } from './input-filter.ts';
import type { Merchant } from './merchants.ts';
import type { NewOrder, OrderBook } from './orders.ts';

/**
 * The longest `pay_orderid` the order column holds (the document says 20, the column is 50 wide).
 *
 * @example
 * 'A'.repeat(51).length > MAX_ORDER_ID_LENGTH; // true: refused with 订单号不合法！
 */
export const MAX_ORDER_ID_LENGTH = 50;

/** What the checks need from the gateway. */
export interface PaymentContext {
  merchants: ReadonlyMap<string, Merchant>;
  bankCodes: readonly BankCodeInfo[];
  orders: OrderBook;
  behaviour(memberId: string, orderId: string): Behaviour;
}

/** Either an error answer, or the order to create. */
export type PaymentCheck =
  { ok: false; error: GatewayErrorBody } | { ok: true; order: NewOrder; merchant: Merchant };

/**
 * Runs the checks on the received fields (query string and body merged, body winning, as PHP's `$_REQUEST`).
 *
 * @example
 * const check = checkPaymentRequest(fields, context);
 * if (!check.ok) check.error.msg; // e.g. '签名验证失败'
 */
export function checkPaymentRequest(received: Fields, context: PaymentContext): PaymentCheck {
  const fail = (msg: string, data?: unknown): PaymentCheck => ({ ok: false, error: gatewayError(msg, data) });
  const input = (name: string) => filterInput(received[name] ?? '');

  // Merchant: `I('request.pay_memberid', 0, 'intval') - 10000 <= 0` and unknown ids get the same message.
  const memberNumber = phpIntval(received.pay_memberid);
  const merchant = memberNumber > 10000 ? context.merchants.get(String(memberNumber)) : undefined;
  if (!merchant) return fail('不存在的商户编号!');

  // Amount: PHP `$pay_amount == 0` (empty, "0", "0.00") is "empty"; anything that is not 1-2 decimal yuan is wrong.
  const amount = input('pay_amount');
  if (amount === '' || /^0*(\.0*)?$/.test(amount)) return fail('金额不能为空');
  let amountFen: number;
  try {
    amountFen = parseYuan(amount);
  } catch {
    return fail('金额错误');
  }
  if (amountFen <= 0 || amountFen > MAX_AMOUNT_FEN) return fail('金额错误');

  // Bank code: `intval` 0 means no such code; a number the operator has not enabled is a closed channel.
  const bankCode = input('pay_bankcode');
  const bankNumber = phpIntval(bankCode);
  if (bankNumber === 0) return fail('不存在的银行编码!', { pay_banckcode: 0 });
  if (!context.bankCodes.some((b) => b.code === String(bankNumber))) return fail('通道关闭中,暂时无法连接!');

  const orderId = input('pay_orderid');
  if (orderId === '' || orderId.length > MAX_ORDER_ID_LENGTH) return fail('订单号不合法！');

  // Duplicates are refused before the signature is checked (judgeRepeatOrder runs in the constructor).
  if (context.orders.find(merchant.memberId, orderId)) return fail('重复订单！请尝试重新提交订单');

  const signed: Fields = { pay_memberid: String(memberNumber) };
  for (const name of PAYMENT_SIGNED_FIELDS) if (name !== 'pay_memberid') signed[name] = input(name);
  const { dialect } = context.behaviour(merchant.memberId, orderId);
  const expected = sign(signed, merchant.key, { signedFields: PAYMENT_SIGNED_FIELDS, dialect });
  // `$pay_md5sign == $md5keysignstr`: exact, so a lower-case signature fails. On failure the server echoes $_POST.
  if (input('pay_md5sign') !== expected) return fail('签名验证失败', { ...received });

  return {
    ok: true,
    merchant,
    order: {
      memberId: merchant.memberId,
      orderId,
      amount,
      amountFen,
      bankCode,
      applyDate: signed.pay_applydate ?? '',
      notifyUrl: signed.pay_notifyurl ?? '',
      callbackUrl: signed.pay_callbackurl ?? '',
      productName: input('pay_productname'),
      attach: input('pay_attach'),
      productNum: input('pay_productnum'),
      productDesc: input('pay_productdesc'),
      productUrl: input('pay_producturl'),
    },
  };
}
