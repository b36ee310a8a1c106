/**
 * @module fake-signer: stubs `fetch` with a scripted signer for the element's browser tests. Each route answers
 * from a queue of replies (then from its default), and every call is recorded; `navigator.sendBeacon` is stubbed
 * too, recording each beacon's URL (`beaconAnswer` is what it returns: false when the browser refuses to queue it).
 */
import type { Checkout, Order, SignerConfig } from '../../src/signer-client.ts';

/** The signer origin used by the tests. */
export const SIGNER = 'https://signer.test';
/** The gateway origin the signer's config names. */
export const GATEWAY = 'https://gateway.test';

/** One recorded request. */
export interface Call {
  path: string;
  method: string;
  headers: Headers;
  body: unknown;
}

/** How a route answers: a JSON reply, a network failure, or a request that never answers (until aborted). */
export type Reply =
  | { status: number; body: unknown }
  | 'network'
  | 'hang'
  | ((call: Call, signal: AbortSignal) => Promise<Response>);

export const config = (): SignerConfig => ({
  currency: 'CNY',
  gateway: GATEWAY,
  methods: [
    { code: '902', name: '微信扫码支付', nameEn: 'WeChat Pay QR' },
    { code: '903', name: '支付宝扫码支付', nameEn: 'Alipay QR' },
  ],
  amount: { minFen: 100, maxFen: 500000, presetsFen: [1000, 5000, 10000] },
  products: [{ id: 'book', name: 'A book', amountFen: 4200 }],
});

export const checkout = (over: Partial<Checkout> = {}): Checkout => ({
  orderId: 'E20240301120000000001',
  action: `${GATEWAY}/Pay_Index.html`,
  method: 'POST',
  fields: {
    pay_memberid: '10002',
    pay_orderid: 'E20240301120000000001',
    pay_amount: '12.34',
    pay_md5sign: 'ABCD',
  },
  statusUrl: `${SIGNER}/api/orders/E20240301120000000001`,
  ...over,
});

export const order = (status: Order['status'], over: Partial<Order> = {}): Order => ({
  orderId: 'E1',
  status,
  amountFen: 1234,
  bankCode: '903',
  createdAt: '2024-03-01T04:00:00.000Z',
  paidAt: status === 'PAID' ? '2024-03-01T04:01:00.000Z' : null,
  checkedAt: null,
  ...over,
});

/** A signer error body as the signer shapes it (apps/signer/README.md#errors). */
export const signerError = (status: number, code: string): Reply => ({
  status,
  body: { error: { code, message: `fake ${code}` } },
});

/**
 * Installs the fake; call `restore()` in `afterEach`.
 *
 * @example
 * const fake = new FakeSigner().install();
 * fake.replies.checkout.push('network');
 */
export class FakeSigner {
  calls: Call[] = [];
  replies: Record<'config' | 'checkout' | 'order', Reply[]> = { config: [], checkout: [], order: [] };
  defaults: Record<'config' | 'checkout' | 'order', Reply> = {
    config: { status: 200, body: config() },
    checkout: { status: 201, body: checkout() },
    order: { status: 200, body: order('NOTPAY') },
  };
  /** The URLs of the beacons sent, in order. */
  beacons: string[] = [];
  beaconAnswer = true;
  /** Called with each beacon as it is sent (a test can note when, relative to other things). */
  onBeacon: (url: string) => void = () => {};
  private original = window.fetch;
  private originalBeacon = Navigator.prototype.sendBeacon;

  install(): this {
    window.fetch = (input, init = {}) =>
      this.handle(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url, init);
    Navigator.prototype.sendBeacon = (url: string | URL) => {
      this.beacons.push(String(url));
      this.onBeacon(String(url));
      return this.beaconAnswer;
    };
    return this;
  }

  restore(): void {
    window.fetch = this.original;
    Navigator.prototype.sendBeacon = this.originalBeacon;
  }

  /** Calls to one route, e.g. `callsTo('/api/checkout')`. */
  callsTo(path: string): Call[] {
    return this.calls.filter((c) => c.path.startsWith(path));
  }

  private async handle(url: string, init: RequestInit): Promise<Response> {
    const u = new URL(url, location.href);
    if (u.origin !== SIGNER) throw new TypeError(`unexpected fetch ${url}`);
    const call: Call = {
      path: u.pathname,
      method: init.method ?? 'GET',
      headers: new Headers(init.headers),
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    this.calls.push(call);
    const route =
      u.pathname === '/api/config' ? 'config' : u.pathname === '/api/checkout' ? 'checkout' : 'order';
    const reply = this.replies[route].shift() ?? this.defaults[route];
    const signal = init.signal ?? new AbortController().signal;
    // Yield once, as a real network would, so the element's busy state renders before the answer.
    await new Promise((r) => setTimeout(r));
    if (reply === 'network') throw new TypeError('Failed to fetch');
    if (reply === 'hang') {
      return new Promise((_, reject) =>
        signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
      );
    }
    if (typeof reply === 'function') return reply(call, signal);
    return new Response(JSON.stringify(reply.body), {
      status: reply.status,
      headers: { 'content-type': 'application/json' },
    });
  }
}
