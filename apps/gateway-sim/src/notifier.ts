/**
 * @module notifier
 * Sends the asynchronous notification (支付结果通知) the way the deployed gateway does (docs/protocol.md#notification): a
 * POST whose body is built by hand as `key=value&...` WITHOUT URL-encoding, in the server's field order (`memberid,
 * orderid, transaction_id, amount, datetime, returncode, sign, attach`), `amount` as the database decimal (four
 * decimals), `datetime` = the time of sending (so every re-send has a new `datetime` and `sign`). A reply counts as
 * received when its body contains `ok` in any case; the HTTP status is ignored, as curl's caller ignores it. Every
 * attempt is logged.
 */
import http from 'node:http';
import https from 'node:https';
import {
  formatChinaCompact,
  formatYuan,
  LEGACY_NOTIFICATION_SIGNED_FIELDS,
  NOTIFICATION_SIGNED_FIELDS,
  sign,
  type Fields,
} from '@jupay/core';
import type { Behaviour } from './faults.ts';
import type { Order } from './orders.ts';

/** Why an attempt was made. */
export type AttemptKind = 'first' | 'duplicate' | 'resend' | 'manual';

/** One logged notification attempt. */
export interface NotificationAttempt {
  /** 1-based position in the whole log. */
  seq: number;
  memberId: string;
  orderId: string;
  transactionId: string;
  url: string;
  kind: AttemptKind;
  /** ISO 8601 time the attempt started. */
  at: string;
  /** The exact body sent ('' when dropped). */
  body: string;
  /** True when a `dropNotification` fault suppressed it: nothing was sent. */
  dropped: boolean;
  /** HTTP status received, null when there was no answer. */
  status: number | null;
  /** Body received (first 64 KB), null when there was no answer. */
  response: string | null;
  /** Network error or `timeout`, null otherwise. */
  error: string | null;
  /** Whether the gateway counts it as received. */
  received: boolean;
  durationMs: number;
}

/**
 * The signed result fields the gateway sends in the notification and in the page return, in its field order.
 * `attach` is echoed unsigned, `sign` covers the other six (five in the legacy dialect).
 *
 * @example
 * resultFields(order, key, behaviour, new Date()).sign; // 32 upper-case hex digits
 */
export function resultFields(order: Order, key: string, behaviour: Behaviour, now: Date): Fields {
  let amountFen = order.amountFen;
  let amount = formatYuan(amountFen, behaviour.amountDecimals);
  if (typeof behaviour.tamperAmount === 'string') amount = behaviour.tamperAmount;
  else if (behaviour.tamperAmount) {
    amountFen = amountFen > 1 ? amountFen - 1 : amountFen + 1;
    amount = formatYuan(amountFen, behaviour.amountDecimals);
  }
  const fields: Fields = {
    memberid: order.memberId,
    orderid: order.orderId,
    transaction_id: order.transactionId,
    amount,
    datetime: formatChinaCompact(now),
    returncode: '00',
  };
  const legacy = behaviour.dialect === 'legacy';
  const signingKey = behaviour.badSignature ? `${key}-wrong` : key;
  fields.sign = sign(fields, signingKey, {
    signedFields: legacy ? LEGACY_NOTIFICATION_SIGNED_FIELDS : NOTIFICATION_SIGNED_FIELDS,
    dialect: legacy ? 'legacy' : 'standard',
  });
  fields.attach = order.attach;
  return fields;
}

/**
 * The hand-built body: `key=value&` for each field in order, raw values, trailing `&` trimmed (PHP `rtrim`).
 *
 * @example
 * buildNotificationBody({ memberid: '10002', attach: 'a b' }); // 'memberid=10002&attach=a b'
 */
export function buildNotificationBody(fields: Fields): string {
  let body = '';
  for (const [name, value] of Object.entries(fields)) body += `${name}=${value}&`;
  return body.replace(/&+$/, '');
}

/**
 * The gateway's acknowledgement rule: any body containing `ok` in any case (`strstr(strtolower($contents), "ok")`),
 * or, with `strictOk`, exactly `OK` as the document asks.
 *
 * @example
 * isAcknowledged('Book received', false); // true: "Book" contains "ok"
 * isAcknowledged('ok', true);             // false
 */
export function isAcknowledged(body: string | null, strictOk: boolean): boolean {
  if (body === null) return false;
  return strictOk ? body === 'OK' : body.toLowerCase().includes('ok');
}

const MAX_RESPONSE_BYTES = 64 * 1024;

interface PostResult {
  status: number | null;
  response: string | null;
  error: string | null;
}

function post(url: string, body: string, timeoutMs: number, signal: AbortSignal): Promise<PostResult> {
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve({ status: null, response: null, error: 'invalid URL' });
      return;
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      resolve({ status: null, response: null, error: `unsupported protocol ${target.protocol}` });
      return;
    }
    const transport = target.protocol === 'https:' ? https : http;
    const payload = Buffer.from(body, 'utf8');
    // Like curl: one connection per notification, form content type, certificates not checked
    // (the server sets CURLOPT_SSL_VERIFYPEER false).
    const request = transport.request(target, {
      method: 'POST',
      agent: false,
      signal,
      rejectUnauthorized: false,
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'Content-Length': String(payload.length),
        Connection: 'close',
        Accept: '*/*',
      },
    });
    let settled = false;
    const finish = (result: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    // The gateway waits 10 s for the reply (CURLOPT_TIMEOUT 10).
    const timer = setTimeout(() => {
      finish({ status: null, response: null, error: 'timeout' });
      request.destroy();
    }, timeoutMs);
    request.on('error', (error) => finish({ status: null, response: null, error: error.message }));
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        if (size < MAX_RESPONSE_BYTES) chunks.push(chunk);
        size += chunk.length;
      });
      response.on('error', (error) => finish({ status: null, response: null, error: error.message }));
      response.on('end', () => {
        const text = Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES).toString('utf8');
        finish({ status: response.statusCode ?? null, response: text, error: null });
      });
    });
    request.end(payload);
  });
}

/** Notifier settings. */
export interface NotifierOptions {
  /** How long to wait for the merchant's reply; 10 s like the gateway. */
  timeoutMs?: number;
}

interface Waiter {
  orderId: string;
  count: number;
  resolve: (attempts: NotificationAttempt[]) => void;
}

/**
 * Delivers notifications, applies the fault switches, keeps the log.
 *
 * @example
 * const notifier = new Notifier({ timeoutMs: 10_000 });
 * const attempts = await notifier.deliver(order, key, behaviour, 'first');
 * notifier.log.at(-1)?.received; // true when the merchant answered "OK"
 */
export class Notifier {
  readonly log: NotificationAttempt[] = [];
  #timeoutMs: number;
  #abort = new AbortController();
  #waiters = new Set<Waiter>();

  constructor(options: NotifierOptions = {}) {
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  /**
   * Runs one delivery: the delay, the first attempt(s), then re-sends while not received. Resolves with this
   * delivery's attempts; settles early (with what was done) when {@link Notifier.reset} is called.
   * `onFirstRound` is called once the first attempt(s) are done (or at once when the notification is delayed or
   * dropped): the payer's browser is sent back at that point.
   */
  async deliver(
    order: Order,
    key: string,
    behaviour: Behaviour,
    kind: 'first' | 'manual',
    onFirstRound: () => void = () => {},
  ): Promise<NotificationAttempt[]> {
    const signal = this.#abort.signal;
    const attempts: NotificationAttempt[] = [];
    if (behaviour.dropNotification) {
      attempts.push(
        this.#record(order, kind, '', { status: null, response: null, error: null }, 0, true, false),
      );
      onFirstRound();
      return attempts;
    }
    if (behaviour.notifyDelayMs > 0) {
      onFirstRound();
      if (!(await this.#sleep(behaviour.notifyDelayMs, signal))) return attempts;
    }
    let received = false;
    for (let i = 0; i < behaviour.notifyTimes && !signal.aborted; i++) {
      const attempt = await this.#attempt(order, key, behaviour, i === 0 ? kind : 'duplicate', signal);
      attempts.push(attempt);
      received ||= attempt.received;
    }
    onFirstRound();
    // The document: "otherwise the notification is re-sent three times"; the interval is the server's 10 s loop.
    for (let i = 0; i < behaviour.resendCount && !received && !signal.aborted; i++) {
      if (!(await this.#sleep(behaviour.resendIntervalMs, signal))) break;
      const attempt = await this.#attempt(order, key, behaviour, 'resend', signal);
      attempts.push(attempt);
      received = attempt.received;
    }
    return attempts;
  }

  /** Resolves once `count` attempts for the merchant order id `orderId` are in the log. */
  waitFor(orderId: string, count: number, timeoutMs: number): Promise<NotificationAttempt[]> {
    const current = this.log.filter((a) => a.orderId === orderId);
    if (current.length >= count) return Promise.resolve(current);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        orderId,
        count,
        resolve: (attempts) => {
          clearTimeout(timer);
          resolve(attempts);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        const seen = this.log.filter((a) => a.orderId === orderId).length;
        reject(
          new Error(`waited ${timeoutMs} ms for ${count} notification attempt(s) of ${orderId}, saw ${seen}`),
        );
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  /** Stops every pending delivery and clears the log. */
  reset(): void {
    this.#abort.abort();
    this.#abort = new AbortController();
    this.log.length = 0;
  }

  async #attempt(
    order: Order,
    key: string,
    behaviour: Behaviour,
    kind: AttemptKind,
    signal: AbortSignal,
  ): Promise<NotificationAttempt> {
    const started = Date.now();
    const body = buildNotificationBody(resultFields(order, key, behaviour, new Date(started)));
    const result = await post(order.notifyUrl, body, this.#timeoutMs, signal);
    const received = isAcknowledged(result.response, behaviour.strictOk);
    if (received) order.notified = true;
    // A delivery cut short by reset() must not write into the fresh log.
    return this.#record(
      order,
      kind,
      body,
      result,
      Date.now() - started,
      false,
      received,
      started,
      !signal.aborted,
    );
  }

  #record(
    order: Order,
    kind: AttemptKind,
    body: string,
    result: PostResult,
    durationMs: number,
    dropped: boolean,
    received: boolean,
    started = Date.now(),
    logged = true,
  ): NotificationAttempt {
    const attempt: NotificationAttempt = {
      seq: this.log.length + 1,
      memberId: order.memberId,
      orderId: order.orderId,
      transactionId: order.transactionId,
      url: order.notifyUrl,
      kind,
      at: new Date(started).toISOString(),
      body,
      dropped,
      ...result,
      received,
      durationMs,
    };
    if (!logged) return attempt;
    this.log.push(attempt);
    for (const waiter of this.#waiters) {
      const matching = this.log.filter((a) => a.orderId === waiter.orderId);
      if (matching.length >= waiter.count) {
        this.#waiters.delete(waiter);
        waiter.resolve(matching);
      }
    }
    return attempt;
  }

  #sleep(ms: number, signal: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve(false);
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        resolve(false);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
