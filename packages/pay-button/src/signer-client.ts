/**
 * @module signer-client: the calls the element makes to the signer (apps/signer/README.md#routes), each with a
 * timeout, every failure turned into a {@link SignerError} with a stable code; and the beacon that reports posting
 * the form.
 */

/**
 * A payment method offered by the signer.
 *
 * @example
 * const alipay: MethodInfo = { code: '903', name: '支付宝扫码支付', nameEn: 'Alipay QR code' };
 */
export interface MethodInfo {
  code: string;
  name: string;
  nameEn: string;
}

/**
 * `GET /api/config`: what a bare `<pay-button>` configures itself from.
 *
 * @example
 * const { gateway, methods, amount } = await new SignerClient(base).config();
 */
export interface SignerConfig {
  currency: string;
  gateway: string;
  methods: MethodInfo[];
  amount: { minFen: number; maxFen: number; presetsFen: number[] };
  products: { id: string; name: string; amountFen: number }[] | null;
}

/**
 * `POST /api/checkout` body: a free amount in yuan, or a catalogue product.
 *
 * @example
 * const body: CheckoutBody = { bankCode: '903', amount: '12.34', productName: 'Tea' };
 */
export type CheckoutBody = (
  { bankCode: string; amount: string; productName?: string } | { bankCode: string; product: string }
) & {
  attach?: string;
  /** The shopper's language: the signer sends them back to the return page (and the shop) in it. */
  lang?: string;
  /** `'1'`: the element reports posting the form ({@link SignerClient.submitted}). */
  beacon?: '1';
};

/**
 * `201` from `POST /api/checkout`: the signed form to post to the gateway.
 *
 * @example
 * const form = buildPaymentForm(await client.checkout(body, key), gateway);
 */
export interface Checkout {
  orderId: string;
  action: string;
  method: string;
  fields: Record<string, string>;
  statusUrl: string;
}

/**
 * The order's status as the signer reports it.
 *
 * @example
 * const done = (s: OrderStatus) => s === 'PAID';
 */
export type OrderStatus = 'NOTPAY' | 'PAID';

/**
 * `GET /api/orders/:id`: the public status of one order.
 *
 * @example
 * const { status, paidAt } = await client.order('E20240301120000000001');
 */
export interface Order {
  orderId: string;
  status: OrderStatus;
  amountFen: number;
  bankCode: string;
  createdAt: string;
  paidAt: string | null;
  /** When a gateway query started by a status read last found the order unpaid (ISO 8601), or null. */
  checkedAt?: string | null;
}

// Worth retrying unchanged: the request may succeed next time. The rest need a change by someone first.
const RETRYABLE = /^(NETWORK_ERROR|TIMEOUT|BAD_RESPONSE|RATE_LIMITED|INTERNAL|IDEMPOTENCY_KEY_REUSED)$/;

/**
 * A failed signer call: a signer error code (apps/signer/README.md#errors), or `NETWORK_ERROR`, `TIMEOUT`, `BAD_RESPONSE`. The
 * message is the signer's own when it sent one, else the code: every word costs bundle bytes, and the code names
 * the problem.
 *
 * @example
 * try { await client.checkout(body, key); } catch (e) { if (e instanceof SignerError) console.log(e.code); }
 */
export class SignerError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  constructor(code: string, message = code, status = 0) {
    super(message);
    this.name = 'SignerError';
    this.code = code;
    this.retryable = RETRYABLE.test(code) || status >= 500;
  }
}

/**
 * Calls the signer at `base` (an origin, optionally with a path prefix), giving up after `timeout` ms.
 *
 * @example
 * const client = new SignerClient('https://pay.merchant.com', 15000);
 * const config = await client.config();
 */
export class SignerClient {
  constructor(
    readonly base: string,
    readonly timeout = 15000,
  ) {}

  /** `GET /api/config`. */
  config(): Promise<SignerConfig> {
    return this.call('config');
  }

  /** `POST /api/checkout` with an `Idempotency-Key` that the caller keeps for retries of one attempt. */
  checkout(body: CheckoutBody, idempotencyKey: string): Promise<Checkout> {
    return this.call('checkout', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
      body: JSON.stringify(body),
    });
  }

  /** `GET /api/orders/:id`. */
  order(orderId: string): Promise<Order> {
    return this.call(`orders/${encodeURIComponent(orderId)}`);
  }

  /**
   * `POST /api/orders/:id/submitted` as a beacon: the browser sends it even while the page unloads, and nothing
   * waits for it or fails with it.
   */
  submitted(orderId: string): void {
    navigator.sendBeacon(this.#url(`orders/${encodeURIComponent(orderId)}/submitted`));
  }

  #url(path: string): string {
    return `${this.base.replace(/\/+$/, '')}/api/${path}`;
  }

  private async call<T>(path: string, init: RequestInit = {}): Promise<T> {
    const signal = AbortSignal.timeout(this.timeout);
    let res: Response;
    let data: { error?: { code?: unknown; message?: unknown } } | undefined;
    try {
      res = await fetch(this.#url(path), {
        ...init,
        signal,
        credentials: 'omit',
      });
      data = await res.json().catch(() => undefined);
    } catch {
      throw new SignerError(signal.aborted ? 'TIMEOUT' : 'NETWORK_ERROR');
    }
    if (!data || typeof data !== 'object') throw new SignerError('BAD_RESPONSE', undefined, res.status);
    if (!res.ok) {
      const { code, message } = data.error ?? {};
      throw new SignerError(
        typeof code === 'string' ? code : 'BAD_RESPONSE',
        typeof message === 'string' ? message : undefined,
        res.status,
      );
    }
    return data as T;
  }
}
