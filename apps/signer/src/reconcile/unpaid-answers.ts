/**
 * @module reconcile/unpaid-answers
 * When a status read last made this instance ask the gateway about an order, and the gateway said `NOTPAY`. The
 * return page's widget reads it (`checkedAt` in `GET /api/orders/:id`) to tell "not paid" (the gateway was asked
 * after the shopper came back) from "not known yet". Kept in this instance's memory only, so no store change: with
 * several instances, an answer from another instance may not know a check, and the widget falls back to its poll
 * timeout. Bounded: past `maxOrders`, the order recorded longest ago is forgotten first.
 */

/** What {@link createUnpaidAnswers} returns. */
export interface UnpaidAnswers {
  /** Records that the gateway answered `NOTPAY` for `orderId` at `at`. O(1). */
  record(orderId: string, at: Date): void;
  /** The time of the last recorded `NOTPAY` answer for `orderId`, or null. */
  lastAt(orderId: string): Date | null;
}

/**
 * Creates an empty, bounded record of `NOTPAY` answers.
 *
 * @example
 * const unpaid = createUnpaidAnswers({ maxOrders: 10_000 });
 * unpaid.record('E2024', new Date());
 * unpaid.lastAt('E2024'); // the Date
 */
export function createUnpaidAnswers(options: { maxOrders?: number } = {}): UnpaidAnswers {
  const maxOrders = options.maxOrders ?? 10_000;
  if (!Number.isInteger(maxOrders) || maxOrders < 1)
    throw new TypeError('maxOrders: expected a whole number >= 1');
  // A Map iterates in insertion order: deleting before setting moves an order to the end, so the first key is
  // always the one recorded longest ago.
  const answers = new Map<string, Date>();
  return {
    record(orderId, at) {
      answers.delete(orderId);
      answers.set(orderId, at);
      if (answers.size > maxOrders) answers.delete(answers.keys().next().value!);
    },
    lastAt: (orderId) => answers.get(orderId) ?? null,
  };
}
