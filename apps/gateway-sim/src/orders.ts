/**
 * @module orders
 * The in-memory order book. Like the real server, an order gets the gateway's own number (`transaction_id`,
 * `YYYYMMDDHHmmss` China time + 6 random digits) when it is created; the merchant's `pay_orderid` is unique per
 * merchant only. Values are stored as the input filter left them (escaped), because that is what the real server
 * stores and echoes.
 */
import { randomInt } from 'node:crypto';
import { formatChinaCompact } from '@jupay/core';

/** `NOTPAY` until paid, then `SUCCESS` (the query's `trade_state`). */
export type OrderStatus = 'NOTPAY' | 'SUCCESS';

/** One order, as stored. */
export interface Order {
  /** The gateway's order number, e.g. `20240301120005123456`. */
  transactionId: string;
  memberId: string;
  /** The merchant's `pay_orderid` (after the input filter). */
  orderId: string;
  /** `pay_amount` exactly as signed, e.g. `"12.30"`. */
  amount: string;
  amountFen: number;
  bankCode: string;
  applyDate: string;
  notifyUrl: string;
  callbackUrl: string;
  productName: string;
  attach: string;
  productNum: string;
  productDesc: string;
  productUrl: string;
  status: OrderStatus;
  createdAt: Date;
  paidAt: Date | null;
  cancelledAt: Date | null;
  /** True once a notification attempt was acknowledged (the real server's `pay_status` 2). */
  notified: boolean;
}

/** What creating an order needs. */
export type NewOrder = Omit<
  Order,
  'transactionId' | 'status' | 'createdAt' | 'paidAt' | 'cancelledAt' | 'notified'
>;

/**
 * A gateway order number: `YYYYMMDDHHmmss` in China time and 6 random digits.
 *
 * @example
 * newTransactionId(new Date('2016-12-26T10:18:20Z')); // '20161226181820' + 6 digits
 */
export function newTransactionId(now: Date = new Date()): string {
  return formatChinaCompact(now) + String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/**
 * Orders by gateway number and by (merchant, merchant order id).
 *
 * @example
 * const book = new OrderBook();
 * const order = book.create({ memberId: '10002', orderId: 'E1', ... });
 * book.find('10002', 'E1') === order; // true
 */
export class OrderBook {
  #byTransaction = new Map<string, Order>();
  #byMerchant = new Map<string, Order>();

  create(input: NewOrder, now: Date = new Date()): Order {
    let transactionId = newTransactionId(now);
    while (this.#byTransaction.has(transactionId)) transactionId = newTransactionId(now);
    const order: Order = {
      ...input,
      transactionId,
      status: 'NOTPAY',
      createdAt: now,
      paidAt: null,
      cancelledAt: null,
      notified: false,
    };
    this.#byTransaction.set(transactionId, order);
    this.#byMerchant.set(`${input.memberId}\n${input.orderId}`, order);
    return order;
  }

  find(memberId: string, orderId: string): Order | undefined {
    return this.#byMerchant.get(`${memberId}\n${orderId}`);
  }

  byTransactionId(transactionId: string): Order | undefined {
    return this.#byTransaction.get(transactionId);
  }

  /**
   * Finds an order by gateway number, or by merchant order id (narrowed by member id when several merchants used
   * the same id; the most recent wins otherwise).
   */
  lookup(id: string, memberId?: string): Order | undefined {
    const direct = this.#byTransaction.get(id);
    if (direct && (memberId === undefined || direct.memberId === memberId)) return direct;
    if (memberId !== undefined) return this.find(memberId, id);
    let found: Order | undefined;
    for (const order of this.#byTransaction.values()) if (order.orderId === id) found = order;
    return found;
  }

  list(): Order[] {
    return [...this.#byTransaction.values()];
  }

  clear(): void {
    this.#byTransaction.clear();
    this.#byMerchant.clear();
  }
}
