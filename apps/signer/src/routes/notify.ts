/**
 * @module routes/notify
 * `GET|POST /api/notify`: the gateway's server reports a payment (a POST form, sometimes a GET query string). Not a
 * browser route: no CORS, no rate limit. What the notification means, what is written and what is answered is
 * decided by `orders/decide-notification.ts`; this route reads the body and the order, performs the writes in
 * order and answers. Exactly `OK` only after the writes it depends on are durable; anything else is `FAIL`, with
 * the verdict in `X-Notify-Verdict`.
 */
import { randomUUID } from 'node:crypto';
import type { Credentials, Dialect } from '@jupay/core';
import { Hono, type Context } from 'hono';
import { HttpError } from '../errors.ts';
import { clientAddress } from '../http/client-address.ts';
import { rawQuery } from '../http/raw-query.ts';
import { readBodyText } from '../http/read-body.ts';
import { setResponseHeader } from '../http/response-header.ts';
import type { Logger, SignerEnv } from '../log.ts';
import {
  decideNotification,
  receiveNotification,
  settleNotification,
  STORE_ERROR_ANSWER,
  type NotificationDecision,
  type NotifyAnswer,
} from '../orders/decide-notification.ts';
import { createUnverifiedBudget, type UnverifiedBudget } from '../orders/unverified-budget.ts';
import type { NotificationLogEntry, OrderRecord, OrderStore } from '../store/order-store.ts';

/** What {@link notifyRoute} needs. */
export interface NotifyRouteDeps {
  credentials: Credentials;
  /** The largest body accepted, in bytes (`JUPAY_BODY_LIMIT`). */
  bodyLimitBytes: number;
  /** `JUPAY_SIGN_DIALECT`; default `standard`. */
  dialect?: Dialect;
  store: Pick<OrderStore, 'getOrder' | 'markPaid' | 'recordAnomaly' | 'recordNotification'>;
  clock: () => Date;
  /**
   * Called with each order this instance made paid, after the log write and before the answer; not awaited, so
   * the gateway's `OK` never waits on the merchant (`onPaid` and an immediate webhook send).
   */
  orderPaid: (order: OrderRecord) => void | Promise<void>;
  /** Outbox event ids; default `randomUUID`. */
  newEventId?: () => string;
  /** Told the verdict of every answer (metrics): `paid`, `duplicate`, the `X-Notify-Verdict` of a FAIL. */
  onVerdict?: (verdict: string) => void;
  /** `JUPAY_TRUSTED_PROXY_HEADER`: where the sender's address is, behind a proxy; null: the socket's. */
  trustedProxyHeader?: string | null;
  /** How many unverified notifications are stored; default: the limits of `orders/unverified-budget.ts`. */
  unverifiedBudget?: UnverifiedBudget;
}

/**
 * The notify route, to mount at `/api/notify`.
 * @example
 * app.route('/api/notify', notifyRoute({ credentials, bodyLimitBytes, store, clock, orderPaid }));
 * // POST /api/notify memberid=...&orderid=...&sign=... → 200 OK (paid or duplicate) | 4xx/500 FAIL
 */
export function notifyRoute(deps: NotifyRouteDeps): Hono<SignerEnv> {
  const { store, clock, credentials } = deps;
  const newEventId = deps.newEventId ?? randomUUID;
  const budget = deps.unverifiedBudget ?? createUnverifiedBudget({ clock: () => clock().getTime() });
  const trustedProxyHeader = deps.trustedProxyHeader ?? null;

  const answer = (c: Context, reply: NotifyAnswer, verdict = reply.verdict): Response => {
    if (verdict !== null) deps.onVerdict?.(verdict);
    return answerGateway(c, reply);
  };

  return new Hono<SignerEnv>().on(['GET', 'POST'], '/', async (c) => {
    const log = c.get('log');
    let raw: string;
    try {
      raw = c.req.method === 'GET' ? rawQuery(c.req.url) : await readBodyText(c, deps.bodyLimitBytes);
    } catch (error) {
      if (error instanceof HttpError) {
        // e.g. `Connection: close` after an oversize body whose rest is never read.
        for (const [name, value] of Object.entries(error.headers)) setResponseHeader(c, name, value);
        return answer(c, {
          status: error.status as 400 | 413,
          body: 'FAIL',
          verdict: error.code.toLowerCase(),
        });
      }
      throw error;
    }
    const receivedAt = clock();
    const received = receiveNotification(raw, credentials, { dialect: deps.dialect ?? 'standard' });

    let decision: NotificationDecision;
    try {
      const order = received.orderToRead === null ? null : await store.getOrder(received.orderToRead);
      decision = decideNotification({ received, order, receivedAt, eventId: newEventId() });
      if (decision.transition)
        decision = settleNotification(decision, await store.markPaid(decision.transition));
      if (decision.anomaly) await store.recordAnomaly(decision.anomaly);
      if (decision.fieldAnomaly) await store.recordAnomaly(decision.fieldAnomaly);
    } catch (error) {
      // Not written, so not acknowledged: the gateway (or the reconciliation loop) will bring it back.
      log.error({ err: error, orderId: received.orderToRead }, 'could not apply the notification');
      return answer(c, STORE_ERROR_ANSWER);
    }

    // Anybody can send unverified notifications, as many as they like: past the budget they are only counted, so
    // no sender can fill the disk with them. A correctly signed notification never gets here.
    if (received.kind === 'unverified' && !budget.admit(clientAddress(c, trustedProxyHeader))) {
      const summary = budget.takeSummary();
      if (summary) log.warn({ ...summary }, 'unverified notifications not stored');
      return answer(c, decision.answer);
    }
    const recorded = await record(store, decision.record, log);
    // A duplicate's "already paid" came from a read; the log write's durable commit is what proves that state is
    // on disk (see store/sqlite-group-commit.ts). Without it, no OK: the gateway or reconciliation comes back.
    if (decision.recordRequired && !recorded) return answer(c, STORE_ERROR_ANSWER);
    if (decision.paidOrder) void deps.orderPaid(decision.paidOrder);
    log[decision.report.level](decision.report.fields, decision.report.message);
    return answer(c, decision.answer, decision.record.verdict);
  });
}

/** Writes the notification log row; a failure is reported and answered by the caller, never thrown. */
async function record(
  store: Pick<OrderStore, 'recordNotification'>,
  entry: NotificationLogEntry,
  log: Logger,
): Promise<boolean> {
  try {
    await store.recordNotification(entry);
    return true;
  } catch (error) {
    log.error({ err: error, verdict: entry.verdict }, 'could not record the notification');
    return false;
  }
}

function answerGateway(c: Context, reply: NotifyAnswer): Response {
  // No status argument for OK: Hono's fast path for a plain 200 text.
  if (reply.body === 'OK') return c.text('OK');
  setResponseHeader(c, 'X-Notify-Verdict', reply.verdict);
  setResponseHeader(c, 'Cache-Control', 'no-store');
  return c.text('FAIL', reply.status);
}
