/**
 * @module routes/notify
 * `GET|POST /api/notify`: the gateway's server reports a payment (a POST form, sometimes a GET query string). Not a
 * browser route: no CORS, no rate limit. What the notification means and what is answered is decided by
 * `orders/decide-notification.ts`; this route reads the body, makes the store calls and answers.
 *
 * A verified payment report is applied in ONE store commit (`OrderStore.applyNotification`, through
 * `orders/apply-payment.ts`): the paid transition, its outbox event and the notification log row, together or not
 * at all, with any amount or transaction anomaly, decided on the order's state read in that same step; an anomaly
 * of ignored unsigned fields follows in a write of its own. A refused notification (another member id, not a
 * success) reads the order it names, records an anomaly on it and its log row; an unverified one has its start
 * logged as a claim, within the unverified budget. Exactly `OK` only after the commits it depends on have
 * returned; anything else is `FAIL`, with the verdict in `X-Notify-Verdict`.
 *
 * With several gateway accounts, the notification is verified with the key of each account in turn, those whose
 * member id it claims first (gateways/notification-account.ts); the account whose key verifies it is the one that
 * sent it, and the store pays only an order bound to that account: one signed with another account's key, for an
 * order of ours, is refused (`gateway_mismatch`), never applied.
 */
import { randomUUID } from 'node:crypto';
import type { GatewayAccount } from '../config/gateway-accounts.ts';
import { receiveFromAccounts } from '../gateways/notification-account.ts';
import { Hono, type Context } from 'hono';
import { HttpError } from '../errors.ts';
import { clientAddress } from '../http/client-address.ts';
import { rawQuery } from '../http/raw-query.ts';
import { readBodyText } from '../http/read-body.ts';
import { setResponseHeader } from '../http/response-header.ts';
import type { SignerEnv } from '../log.ts';
import { applyNotification } from '../orders/apply-payment.ts';
import {
  decideApplied,
  decideNotification,
  receiveNotification,
  STORE_ERROR_ANSWER,
  type NotificationDecision,
  type NotifyAnswer,
  type VerifiedNotification,
} from '../orders/decide-notification.ts';
import { createUnverifiedBudget, type UnverifiedBudget } from '../orders/unverified-budget.ts';
import type { ApplyNotificationResult, OrderRecord, OrderStore } from '../store/order-store.ts';

/** What a notification is verified with: each gateway account's member id, key and dialect. */
export type NotifyAccount = Pick<GatewayAccount, 'id' | 'memberId' | 'key' | 'dialect'>;

/** What {@link notifyRoute} needs. */
export interface NotifyRouteDeps {
  /** The gateway accounts (config/gateway-accounts.ts); one, `default`, for the single-gateway settings. */
  accounts: readonly NotifyAccount[];
  /** The largest body accepted, in bytes (`JUPAY_BODY_LIMIT`). */
  bodyLimitBytes: number;
  store: Pick<OrderStore, 'applyNotification' | 'getOrder' | 'recordAnomaly' | 'recordNotification'>;
  clock: () => Date;
  /**
   * Called with each order this instance made paid, once the commit that paid it has returned and before the
   * answer; not awaited, so the gateway's `OK` never waits on the merchant (`onPaid` and an immediate webhook send).
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
 * app.route('/api/notify', notifyRoute({ accounts: config.gateways, bodyLimitBytes, store, clock, orderPaid }));
 * // POST /api/notify memberid=...&orderid=...&sign=... → 200 OK (paid or duplicate) | 4xx/500 FAIL
 */
export function notifyRoute(deps: NotifyRouteDeps): Hono<SignerEnv> {
  const { store, clock } = deps;
  if (deps.accounts.length === 0) throw new TypeError('accounts: at least one gateway account is required');
  const newEventId = deps.newEventId ?? randomUUID;
  const budget = deps.unverifiedBudget ?? createUnverifiedBudget({ clock: () => clock().getTime() });
  const trustedProxyHeader = deps.trustedProxyHeader ?? null;

  const answer = (c: Context, reply: NotifyAnswer, verdict = reply.verdict): Response => {
    if (verdict !== null) deps.onVerdict?.(verdict);
    return answerGateway(c, reply);
  };

  /** A verified payment report: one store commit, then what it decided. */
  const applyVerified = async (
    c: Context<SignerEnv>,
    received: VerifiedNotification,
    account: NotifyAccount,
    receivedAt: Date,
  ): Promise<Response> => {
    const log = c.get('log');
    const { orderId, transactionId, amountFen } = received.notification;
    let result: ApplyNotificationResult;
    try {
      result = await applyNotification(
        store,
        { orderId, transactionId, amountFen, rawBody: received.rawBody, gatewayId: account.id },
        { now: receivedAt, newEventId },
      );
    } catch (error) {
      // The commit failed, so nothing of it was written and nothing is acknowledged: the gateway (or the
      // reconciliation loop) will bring it back.
      log.error({ err: error, orderId }, 'could not apply the notification');
      return answer(c, STORE_ERROR_ANSWER);
    }
    const decided = decideApplied(received, result, receivedAt);
    // The payment is committed whatever follows: this instance made the transition, so it runs the paid hooks.
    if (decided.paidOrder) void deps.orderPaid(decided.paidOrder);
    log[decided.report.level](decided.report.fields, decided.report.message);
    if (decided.fieldAnomaly) {
      try {
        await store.recordAnomaly(decided.fieldAnomaly);
      } catch (error) {
        // Not acknowledged, so the gateway re-sends: the re-send, a duplicate, records the anomaly.
        log.error({ err: error, orderId }, 'could not record the unsigned-field anomaly');
        return answer(c, STORE_ERROR_ANSWER);
      }
    }
    return answer(c, decided.answer, decided.verdict);
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
    const { received, account } = receiveFromAccounts(
      raw,
      deps.accounts,
      (a) => receiveNotification(raw, a, { dialect: a.dialect }),
      (r) => r.kind !== 'unverified',
    );
    if (received.kind === 'verified') return applyVerified(c, received, account!, receivedAt);

    let decision: NotificationDecision;
    try {
      const order = received.orderToRead === null ? null : await store.getOrder(received.orderToRead);
      decision = decideNotification({ received, order, receivedAt });
      if (decision.anomaly) await store.recordAnomaly(decision.anomaly);
    } catch (error) {
      // The anomaly is not written: a store error rather than the refusal, so the sender's re-send can file it.
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
    // The answer is FAIL either way: a log row that could not be written is reported, not answered.
    try {
      await store.recordNotification(decision.record);
    } catch (error) {
      log.error({ err: error, verdict: decision.verdict }, 'could not record the notification');
    }
    log[decision.report.level](decision.report.fields, decision.report.message);
    return answer(c, decision.answer);
  });
}

function answerGateway(c: Context, reply: NotifyAnswer): Response {
  // No status argument for OK: Hono's fast path for a plain 200 text.
  if (reply.body === 'OK') return c.text('OK');
  setResponseHeader(c, 'X-Notify-Verdict', reply.verdict);
  setResponseHeader(c, 'Cache-Control', 'no-store');
  return c.text('FAIL', reply.status);
}
