/**
 * @module pay-button tests: the element in Chromium against a fake signer (fetch replaced by test/helpers/fake-signer.ts), the form intercepted.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { FakeSigner, GATEWAY, SIGNER, checkout, config, signerError } from '../test/helpers/fake-signer.ts';
import { definePayButton } from './define.ts';
import type { PayErrorDetail, PayRequestDetail, PaySubmitDetail } from './events.ts';
import { strings } from './i18n.ts';
import { PayButton } from './pay-button.ts';

const $ = <T extends HTMLElement = HTMLElement>(el: Element, sel: string): T => {
  const found = el.shadowRoot!.querySelector<T>(sel);
  if (!found) throw new Error(`no ${sel}`);
  return found;
};
const $$ = (el: Element, sel: string) => [...el.shadowRoot!.querySelectorAll<HTMLElement>(sel)];
const text = (el: Element, sel: string) => $(el, sel).textContent!.replace(/\s+/g, ' ').trim();

async function settle(el: PayButton): Promise<PayButton> {
  await el.updateComplete;
  await waitUntil(() => el.getAttribute('state') !== 'loading', 'still loading');
  await el.updateComplete;
  return el;
}
const mount = async (t: ReturnType<typeof html>) => settle(await fixture<PayButton>(t));

function type(el: PayButton, value: string) {
  const input = $<HTMLInputElement>(el, '#amount');
  input.value = value;
  input.dispatchEvent(new InputEvent('input'));
}

/** Collects the detail of every `name` event fired on `target`. */
function record<T>(target: EventTarget, name: string, cancel = false): T[] {
  const seen: T[] = [];
  target.addEventListener(name, (e) => {
    seen.push((e as CustomEvent<T>).detail);
    if (cancel) e.preventDefault();
  });
  return seen;
}

const en = strings('en');
const zh = strings('zh-CN');

describe('<pay-button>', () => {
  let fake: FakeSigner;
  // A real submit would navigate the test page away: any submit a test did not intercept itself is caught and fails.
  const strays: HTMLFormElement[] = [];
  const realSubmit = HTMLFormElement.prototype.submit;
  before(() => {
    HTMLFormElement.prototype.submit = function (this: HTMLFormElement) {
      strays.push(this);
    };
  });
  after(() => (HTMLFormElement.prototype.submit = realSubmit));
  beforeEach(() => (fake = new FakeSigner().install()));
  afterEach(function () {
    fake.restore();
    expect(strays.splice(0), `unexpected form submit in "${this.currentTest?.title}"`).to.have.length(0);
  });

  describe('rendering', () => {
    it('configures itself from /api/config', async () => {
      const el = await mount(html`<pay-button signer=${SIGNER} lang="en"></pay-button>`);
      expect(fake.calls.map((c) => c.path)).to.deep.equal(['/api/config']);
      expect($$(el, '[part~=method]').map((m) => m.textContent!.trim())).to.deep.equal([
        'WeChat Pay QR',
        'Alipay QR',
      ]);
      expect($$(el, '[part~=method] .icon').map((s) => s.getAttribute('class'))).to.deep.equal([
        'icon wechat',
        'icon alipay',
      ]);
      const radios = $$(el, 'input[type=radio]') as HTMLInputElement[];
      expect(radios.map((r) => [r.value, r.checked])).to.deep.equal([
        ['902', true],
        ['903', false],
      ]);
      expect($$(el, '[part~=preset]').map((b) => b.textContent!.trim())).to.deep.equal([
        'CN¥10.00',
        'CN¥50.00',
        'CN¥100.00',
      ]);
      expect($(el, '#amount').getAttribute('inputmode')).to.equal('decimal');
      expect(text(el, '[part=button]')).to.equal('Pay');
      expect(el.getAttribute('state')).to.equal('idle');
      await expect(el).to.be.accessible();
    });

    it('lets attributes override the config', async () => {
      const el = await mount(
        html`<pay-button
          signer=${SIGNER}
          lang="zh-CN"
          bank-codes="903, 902"
          amounts="1,2.5"
          amount="2.5"
          label="立即购买"
        ></pay-button>`,
      );
      expect($$(el, '[part~=method]').map((m) => m.textContent!.trim())).to.deep.equal([
        '支付宝扫码支付',
        '微信扫码支付',
      ]);
      expect(
        $$(el, '[part~=preset]').map((b) => [b.textContent!.trim(), b.getAttribute('aria-pressed')]),
      ).to.deep.equal([
        ['¥1.00', 'false'],
        ['¥2.50', 'true'],
      ]);
      expect($<HTMLInputElement>(el, '#amount').value).to.equal('2.5');
      expect(text(el, '[part=button]')).to.equal('立即购买');
    });

    it('has a property for every attribute, and only those attributes', () => {
      const pairs: [string, keyof PayButton][] = [
        ['signer', 'signer'],
        ['bank-codes', 'bankCodes'],
        ['amount', 'amount'],
        ['amounts', 'amounts'],
        ['min', 'min'],
        ['max', 'max'],
        ['product-name', 'productName'],
        ['product', 'product'],
        ['attach', 'attach'],
        ['label', 'label'],
        ['lang', 'lang'],
        ['gateway', 'gateway'],
        ['order-id', 'orderId'],
        ['order-id-param', 'orderIdParam'],
        ['theme', 'theme'],
        ['shop-url', 'shopUrl'],
      ];
      expect(
        [...(PayButton as unknown as { observedAttributes: string[] }).observedAttributes].sort(),
      ).to.deep.equal(pairs.map(([a]) => a).sort());
      // Not connected, so nothing is fetched: only the attribute-to-property path is exercised.
      const el = document.createElement('pay-button');
      for (const [attr, prop] of pairs) {
        el.setAttribute(attr, `value of ${attr}`);
        expect(el[prop], attr).to.equal(`value of ${attr}`);
      }
    });

    it('renders and pays from properties set by script as it does from attributes', async () => {
      const el = document.createElement('pay-button');
      Object.assign(el, {
        signer: SIGNER,
        lang: 'en',
        bankCodes: '903',
        amounts: '1,2',
        amount: '2',
        min: '1.5',
        max: '3',
        productName: 'Tea',
        label: 'Go',
      });
      const parent = await fixture(html`<div></div>`);
      parent.append(el);
      await settle(el);
      expect($$(el, '[part~=method]').map((m) => m.textContent!.trim())).to.deep.equal(['Alipay QR']);
      expect(
        $$(el, '[part~=preset]').map((b) => [b.textContent!.trim(), b.getAttribute('aria-pressed')]),
      ).to.deep.equal([
        ['CN¥1.00', 'false'],
        ['CN¥2.00', 'true'],
      ]);
      expect(text(el, '[part=button]')).to.equal('Go');
      type(el, '1');
      $(el, '[part=button]').click();
      await el.updateComplete;
      expect(text(el, '[part=field-error]')).to.equal('The minimum is CN¥1.50.');
      type(el, '3.01');
      $(el, '[part=button]').click();
      await el.updateComplete;
      expect(text(el, '[part=field-error]')).to.equal('The maximum is CN¥3.00.');
      const submits = record<PaySubmitDetail>(el, 'pay-submit', true);
      type(el, '2.5');
      $(el, '[part=button]').click();
      await waitUntil(() => submits.length === 1);
      expect(fake.callsTo('/api/checkout')[0]!.body).to.deep.equal({
        bankCode: '903',
        amount: '2.50',
        productName: 'Tea',
        lang: 'en',
        beacon: '1',
      });
      // Catalogue mode by property.
      el.product = 'book';
      await el.updateComplete;
      expect(text(el, '[part=summary]')).to.equal('A book CN¥42.00');
      // The return page by property: order-id-param read from the page URL.
      const before = location.href;
      history.replaceState(null, '', '?ref=E77');
      try {
        const ret = document.createElement('pay-button');
        Object.assign(ret, { signer: SIGNER, orderIdParam: 'ref' });
        parent.append(ret);
        await waitUntil(() => fake.callsTo('/api/orders/E77').length === 1, 'order id not read');
      } finally {
        history.replaceState(null, '', before);
      }
    });

    it('renders from attributes alone, without a network call', async () => {
      fake.restore();
      const el = await mount(html`<pay-button bank-codes="902" amount="9.90" lang="en"></pay-button>`);
      // Without a signer there are no names: the code stands in.
      expect(text(el, '[part~=method]')).to.equal('902');
      expect($(el, '[part~=method] .icon').getAttribute('class')).to.equal('icon wechat');
      expect(text(el, '[part=summary]')).to.equal('CN¥9.90');
      expect(el.shadowRoot!.querySelector('#amount')).to.equal(null);
      expect(text(el, '[part=button]')).to.equal('Pay CN¥9.90');
      await expect(el).to.be.accessible();
    });

    it('shows a catalogue product with its server-side price and sends only its id', async () => {
      const el = await mount(html`<pay-button signer=${SIGNER} product="book" lang="en"></pay-button>`);
      expect(text(el, '[part=summary]')).to.equal('A book CN¥42.00');
      const submits = record<PaySubmitDetail>(el, 'pay-submit', true);
      $(el, '[part=button]').click();
      await waitUntil(() => submits.length === 1);
      expect(fake.callsTo('/api/checkout')[0]!.body).to.deep.equal({
        bankCode: '902',
        product: 'book',
        lang: 'en',
        beacon: '1',
      });
    });

    it('sends attach with a free amount and with a catalogue product', async () => {
      for (const [el, body] of [
        [
          await mount(html`<pay-button signer=${SIGNER} amount="5" attach="cart-7" lang="en"></pay-button>`),
          { bankCode: '902', amount: '5.00', attach: 'cart-7', lang: 'en', beacon: '1' },
        ],
        [
          await mount(
            html`<pay-button signer=${SIGNER} product="book" attach="cart-8" lang="zh-TW"></pay-button>`,
          ),
          { bankCode: '902', product: 'book', attach: 'cart-8', lang: 'zh-TW', beacon: '1' },
        ],
      ] as const) {
        const submits = record<PaySubmitDetail>(el, 'pay-submit', true);
        $(el, '[part=button]').click();
        await waitUntil(() => submits.length === 1);
        expect(fake.callsTo('/api/checkout').at(-1)!.body).to.deep.equal(body);
      }
    });
    it('shows the amount on the pay button only while the field holds one it would accept', async () => {
      const el = await mount(html`<pay-button signer=${SIGNER} lang="en"></pay-button>`);
      for (const [typed, label] of [
        ['12.34', 'Pay CN¥12.34'],
        // Over the signer's maximum (5,000), under its minimum, or not an amount: no amount is promised.
        ['99999', 'Pay'],
        ['0.5', 'Pay'],
        ['1.234', 'Pay'],
        ['5000', 'Pay CN¥5,000.00'],
      ]) {
        type(el, typed!);
        await el.updateComplete;
        expect(text(el, '[part=button]'), typed).to.equal(label);
      }
    });

    it('warns the merchant, in the console, of a product-name the signer would refuse', async () => {
      const warnings: string[] = [];
      const original = console.warn;
      console.warn = (...args: unknown[]) => warnings.push(args.join(' '));
      try {
        await mount(html`<pay-button signer=${SIGNER} product-name=${'x'.repeat(100)}></pay-button>`);
        expect(warnings).to.deep.equal([]);
        const el = await mount(
          html`<pay-button signer=${SIGNER} product-name=${'茶'.repeat(101)}></pay-button>`,
        );
        expect(warnings).to.deep.equal([
          "<pay-button> product-name: over the signer's limit of 100 characters",
        ]);
        el.productName = 'Tea';
        await el.updateComplete;
        expect(warnings).to.have.length(1);
      } finally {
        console.warn = original;
      }
    });
  });

  describe('validation', () => {
    const cases: [string, string, string][] = [
      ['', en.empty, zh.empty],
      ['abc', en.nan, zh.nan],
      ['1.234', en.decimals, zh.decimals],
      ['0.99', 'The minimum is CN¥1.00.', '最低金额为 ¥1.00。'],
      ['5000.01', 'The maximum is CN¥5,000.00.', '最高金额为 ¥5,000.00。'],
    ];
    for (const [input, enMessage, zhMessage] of cases) {
      it(`explains "${input}" next to the field before any request`, async () => {
        for (const [lang, message] of [
          ['en', enMessage],
          ['zh-CN', zhMessage],
        ]) {
          const el = await mount(html`<pay-button signer=${SIGNER} lang=${lang!}></pay-button>`);
          const requests = record(el, 'pay-request');
          type(el, input);
          $(el, '[part=button]').click();
          await el.updateComplete;
          const field = $(el, '#amount');
          expect(text(el, '[part=field-error]')).to.equal(message);
          expect(field.getAttribute('aria-invalid')).to.equal('true');
          expect(field.getAttribute('aria-describedby')).to.equal('amount-error');
          await waitUntil(() => el.shadowRoot!.activeElement === field, 'field not focused');
          expect(requests).to.have.length(0);
          expect(fake.callsTo('/api/checkout')).to.have.length(0);
          if (lang === 'en') await expect(el).to.be.accessible();
        }
      });
    }

    it('explains a fixed amount outside the bounds too', async () => {
      const el = await mount(html`<pay-button signer=${SIGNER} amount="0.50" lang="en"></pay-button>`);
      $(el, '[part=button]').click();
      await el.updateComplete;
      expect(text(el, '[part=field-error]')).to.equal('The minimum is CN¥1.00.');
      expect(fake.callsTo('/api/checkout')).to.have.length(0);
    });

    it('uses min and max attributes over the config, and clears the message when typing', async () => {
      const el = await mount(html`<pay-button signer=${SIGNER} lang="en" min="20" max="30"></pay-button>`);
      type(el, '19.99');
      $(el, '[part=button]').click();
      await el.updateComplete;
      expect(text(el, '[part=field-error]')).to.equal('The minimum is CN¥20.00.');
      type(el, '30.01');
      await el.updateComplete;
      expect(el.shadowRoot!.querySelector('[part=field-error]')).to.equal(null);
      expect($(el, '#amount').getAttribute('aria-invalid')).to.equal('false');
      $(el, '[part=button]').click();
      await el.updateComplete;
      expect(text(el, '[part=field-error]')).to.equal('The maximum is CN¥30.00.');
    });
  });

  describe('checkout', () => {
    it('fires pay-request, posts one checkout and hands the signed form to pay-submit', async () => {
      const el = await mount(html`<pay-button signer=${SIGNER} lang="en" product-name="Tea"></pay-button>`);
      const requests = record<PayRequestDetail>(el, 'pay-request');
      const submits = record<PaySubmitDetail>(el, 'pay-submit', true);
      ($$(el, 'input[type=radio]')[1] as HTMLInputElement).click();
      type(el, '12.34');
      await el.updateComplete;
      expect(text(el, '[part=button]')).to.equal('Pay CN¥12.34');
      $(el, '[part=button]').click();
      expect(requests).to.deep.equal([{ bankCode: '903', amountFen: 1234, product: null }]);
      await el.updateComplete;
      expect($(el, '[part=button]').getAttribute('aria-busy')).to.equal('true');
      expect(el.getAttribute('state')).to.equal('loading');
      await waitUntil(() => submits.length === 1);
      const [call] = fake.callsTo('/api/checkout');
      expect(call!.method).to.equal('POST');
      expect(call!.body).to.deep.equal({
        bankCode: '903',
        amount: '12.34',
        productName: 'Tea',
        lang: 'en',
        beacon: '1',
      });
      // Four random 32-bit numbers: 128 bits, printable ASCII.
      expect(call!.headers.get('idempotency-key')).to.match(/^\d{1,10}(-\d{1,10}){3}$/);
      const { form, orderId, statusUrl } = submits[0]!;
      expect(orderId).to.equal('E20240301120000000001');
      expect(statusUrl).to.equal(`${SIGNER}/api/orders/E20240301120000000001`);
      expect(form.getAttribute('action')).to.equal(`${GATEWAY}/Pay_Index.html`);
      expect(form.getAttribute('method')).to.equal('post');
      expect(Object.fromEntries(new FormData(form))).to.deep.equal(checkout().fields);
      // Canceled: the element did not attach, submit or report it, and is ready again.
      expect(form.isConnected).to.equal(false);
      expect(fake.beacons).to.deep.equal([]);
      await el.updateComplete;
      expect($(el, '[part=button]').getAttribute('aria-busy')).to.equal('false');
    });

    it('submits the form in the same tab when pay-submit is not canceled, reporting it just before', async () => {
      const submitted: HTMLFormElement[] = [];
      const steps: string[] = [];
      fake.onBeacon = (url) => steps.push(`beacon ${url}`);
      const original = HTMLFormElement.prototype.submit;
      HTMLFormElement.prototype.submit = function (this: HTMLFormElement) {
        submitted.push(this);
        steps.push('submit');
      };
      try {
        const el = await mount(html`<pay-button signer=${`${SIGNER}/`} amount="12.34"></pay-button>`);
        $(el, '[part=button]').click();
        await waitUntil(() => submitted.length === 1, 'form not submitted');
        // The beacon, to the signer's submit report for this order, went out before the POST, in the same turn.
        expect(steps).to.deep.equal([
          `beacon ${SIGNER}/api/orders/E20240301120000000001/submitted`,
          'submit',
        ]);
        expect(fake.callsTo('/api/checkout')[0]!.body).to.include({ beacon: '1' });
        const form = submitted[0]!;
        expect(form.parentNode === el).to.equal(true);
        expect(form.isConnected).to.equal(true);
        expect(form.hidden).to.equal(true);
        expect(form.getAttribute('target')).to.equal(null);
        expect(form.getAttribute('action')).to.equal(`${GATEWAY}/Pay_Index.html`);
        expect(new FormData(form).get('pay_md5sign')).to.equal('ABCD');
        // Still busy while the browser navigates away.
        expect($(el, '[part=button]').getAttribute('aria-busy')).to.equal('true');
      } finally {
        HTMLFormElement.prototype.submit = original;
      }
    });

    it('sends one request on a double click and on Enter while busy', async () => {
      const el = await mount(html`<pay-button signer=${SIGNER} amount="12.34" lang="en"></pay-button>`);
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      fake.replies.checkout.push(async () => {
        await gate;
        return new Response(JSON.stringify(checkout()), { status: 201 });
      });
      const requests = record(el, 'pay-request');
      const submits = record<PaySubmitDetail>(el, 'pay-submit', true);
      const button = $(el, '[part=button]');
      button.click();
      button.click();
      await el.updateComplete;
      expect(button.getAttribute('aria-busy')).to.equal('true');
      expect(text(el, '[part=button]')).to.equal(en.busy);
      await expect(el).to.be.accessible();
      $<HTMLFormElement>(el, 'form').requestSubmit();
      button.click();
      release();
      await waitUntil(() => submits.length === 1);
      expect(requests).to.have.length(1);
      expect(fake.callsTo('/api/checkout')).to.have.length(1);
    });

    it('keeps the idempotency key across a retry and changes it for a new attempt', async () => {
      const el = await mount(html`<pay-button signer=${SIGNER} lang="en"></pay-button>`);
      const submits = record<PaySubmitDetail>(el, 'pay-submit', true);
      const errors = record<PayErrorDetail>(el, 'pay-error');
      fake.replies.checkout.push('network', signerError(500, 'INTERNAL'));
      type(el, '12.34');
      $(el, '[part=button]').click();
      await waitUntil(() => errors.length === 1);
      await el.updateComplete;
      expect(text(el, '[part=error] span')).to.equal('Could not reach the payment service.');
      $(el, '[part=retry]').click();
      await waitUntil(() => errors.length === 2);
      await el.updateComplete;
      // Pressing pay again with the same details is still the same attempt.
      $(el, '[part=button]').click();
      await waitUntil(() => submits.length === 1);
      const keys = fake.callsTo('/api/checkout').map((c) => c.headers.get('idempotency-key'));
      expect(keys).to.have.length(3);
      expect(new Set(keys).size).to.equal(1);
      // After a successful checkout, the next press is a new attempt with a new key.
      await el.updateComplete;
      $(el, '[part=button]').click();
      await waitUntil(() => submits.length === 2);
      type(el, '12.35');
      $(el, '[part=button]').click();
      await waitUntil(() => submits.length === 3);
      const all = fake.callsTo('/api/checkout').map((c) => c.headers.get('idempotency-key'));
      expect(new Set(all).size).to.equal(3);
    });

    it('refuses a form whose action is not on the gateway origin', async () => {
      const el = await mount(html`<pay-button signer=${SIGNER} amount="1" lang="en"></pay-button>`);
      fake.replies.checkout.push({
        status: 201,
        body: checkout({ action: 'https://evil.test/Pay_Index.html' }),
      });
      const submits = record(el, 'pay-submit');
      const error = oneEvent(el, 'pay-error');
      $(el, '[part=button]').click();
      const { detail } = await error;
      expect(detail).to.deep.equal({
        code: 'GATEWAY_NOT_ALLOWED',
        message: 'This payment button is not set up correctly (GATEWAY_NOT_ALLOWED).',
        retryable: false,
      });
      await el.updateComplete;
      expect(text(el, '[role=alert]')).to.equal(
        'This payment button is not set up correctly (GATEWAY_NOT_ALLOWED).',
      );
      expect(submits).to.have.length(0);
      expect(el.querySelector('form')).to.equal(null);
    });

    it('checks against the gateway attribute when given', async () => {
      const el = await mount(
        html`<pay-button signer=${SIGNER} amount="1" gateway="https://other.test" lang="en"></pay-button>`,
      );
      const error = oneEvent(el, 'pay-error');
      $(el, '[part=button]').click();
      expect((await error).detail.code).to.equal('GATEWAY_NOT_ALLOWED');
      el.gateway = `${GATEWAY}/`;
      await el.updateComplete;
      const submit = oneEvent(el, 'pay-submit');
      el.addEventListener('pay-submit', (e) => e.preventDefault());
      $(el, '[part=button]').click();
      expect((await submit).detail.form.getAttribute('action')).to.equal(`${GATEWAY}/Pay_Index.html`);
    });

    it('does nothing when pay-request is canceled', async () => {
      const el = await mount(html`<pay-button signer=${SIGNER} amount="1"></pay-button>`);
      record(el, 'pay-request', true);
      $(el, '[part=button]').click();
      await el.updateComplete;
      await new Promise((r) => setTimeout(r, 20));
      expect(fake.callsTo('/api/checkout')).to.have.length(0);
      expect($(el, '[part=button]').getAttribute('aria-busy')).to.equal('false');
    });

    it('fires bubbling, composed events that reach the document', async () => {
      const el = await mount(html`<pay-button signer=${SIGNER} amount="1"></pay-button>`);
      const seen: [string, boolean, boolean][] = [];
      const listener = (e: Event) => {
        seen.push([e.type, e.composed, e.cancelable]);
        if (e.type === 'pay-submit') e.preventDefault();
      };
      for (const t of ['pay-request', 'pay-submit', 'pay-error']) document.addEventListener(t, listener);
      try {
        $(el, '[part=button]').click();
        await waitUntil(() => seen.length === 2);
        fake.replies.checkout.push('network');
        await el.updateComplete;
        $(el, '[part=button]').click();
        await waitUntil(() => seen.length === 4);
      } finally {
        for (const t of ['pay-request', 'pay-submit', 'pay-error']) document.removeEventListener(t, listener);
      }
      expect(seen).to.deep.equal([
        ['pay-request', true, true],
        ['pay-submit', true, true],
        ['pay-request', true, true],
        ['pay-error', true, false],
      ]);
    });
  });

  describe('errors', () => {
    const general = (code: string) => `Payment could not start (${code}).`;
    const codes: [string, number, boolean, string][] = [
      ['INVALID_REQUEST', 400, false, general('INVALID_REQUEST')],
      // The element checked the amount first: a refusal means the page's bounds are not the signer's.
      ['INVALID_AMOUNT', 400, false, 'This payment button is not set up correctly (INVALID_AMOUNT).'],
      [
        'AMOUNT_OUT_OF_RANGE',
        400,
        false,
        'This payment button is not set up correctly (AMOUNT_OUT_OF_RANGE).',
      ],
      // A method or product the signer does not offer: the page's set-up.
      [
        'BANK_CODE_NOT_OFFERED',
        400,
        false,
        'This payment button is not set up correctly (BANK_CODE_NOT_OFFERED).',
      ],
      ['UNKNOWN_PRODUCT', 400, false, 'This payment button is not set up correctly (UNKNOWN_PRODUCT).'],
      ['FIELD_TOO_LONG', 400, false, general('FIELD_TOO_LONG')],
      ['ORIGIN_NOT_ALLOWED', 403, false, 'This payment button is not set up correctly (ORIGIN_NOT_ALLOWED).'],
      ['NOT_FOUND', 404, false, general('NOT_FOUND')],
      ['ORDER_NOT_FOUND', 404, false, 'Order not found.'],
      ['PAYLOAD_TOO_LARGE', 413, false, general('PAYLOAD_TOO_LARGE')],
      ['UNSUPPORTED_MEDIA_TYPE', 415, false, general('UNSUPPORTED_MEDIA_TYPE')],
      ['IDEMPOTENCY_KEY_REUSED', 422, true, general('IDEMPOTENCY_KEY_REUSED')],
      ['RATE_LIMITED', 429, true, 'Too many attempts; retry shortly.'],
      ['INTERNAL', 500, true, general('INTERNAL')],
      ['STORE_UNAVAILABLE', 503, true, general('STORE_UNAVAILABLE')],
      ['SOMETHING_NEW', 503, true, general('SOMETHING_NEW')],
    ];
    for (const [code, status, retryable, message] of codes) {
      it(`shows ${code} in an alert${retryable ? ' with a retry' : ''}`, async () => {
        const el = await mount(html`<pay-button signer=${SIGNER} amount="1" lang="en"></pay-button>`);
        fake.replies.checkout.push(signerError(status, code));
        const error = oneEvent(el, 'pay-error');
        $(el, '[part=button]').click();
        expect((await error).detail).to.deep.equal({ code, message, retryable });
        await el.updateComplete;
        expect(el.getAttribute('state')).to.equal('error');
        expect(text(el, '[part=error]')).to.equal(retryable ? `${message} Retry` : message);
        expect($(el, '[part=error]').getAttribute('role')).to.equal('alert');
        expect(el.shadowRoot!.querySelectorAll('[part=retry]')).to.have.length(retryable ? 1 : 0);
        expect($(el, '[part=button]').getAttribute('aria-busy')).to.equal('false');
        await expect(el).to.be.accessible();
      });
    }

    it('shows an answer that is not JSON (a proxy error page) as a retryable BAD_RESPONSE', async () => {
      const el = await mount(html`<pay-button signer=${SIGNER} amount="1" lang="en"></pay-button>`);
      fake.replies.checkout.push(
        async () =>
          new Response('<html>502 Bad Gateway</html>', {
            status: 502,
            headers: { 'content-type': 'text/html' },
          }),
      );
      const error = oneEvent(el, 'pay-error');
      $(el, '[part=button]').click();
      expect((await error).detail).to.deep.equal({
        code: 'BAD_RESPONSE',
        message: 'Payment could not start (BAD_RESPONSE).',
        retryable: true,
      });
      await el.updateComplete;
      expect(text(el, '[role=alert]')).to.equal('Payment could not start (BAD_RESPONSE). Retry');
      // The retry repeats the same attempt, with the same key.
      const submits = record<PaySubmitDetail>(el, 'pay-submit', true);
      $(el, '[part=retry]').click();
      await waitUntil(() => submits.length === 1);
      const keys = fake.callsTo('/api/checkout').map((c) => c.headers.get('idempotency-key'));
      expect(keys).to.have.length(2);
      expect(keys[0]).to.equal(keys[1]);
    });

    it('shows a skeleton, not a busy pay button, while the config loads', async () => {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      fake.replies.config.push(async () => {
        await gate;
        return new Response(JSON.stringify(config()), { status: 200 });
      });
      const el = await fixture<PayButton>(html`<pay-button signer=${SIGNER} lang="en"></pay-button>`);
      await el.updateComplete;
      expect(el.getAttribute('state')).to.equal('loading');
      const skeleton = $(el, '[part=skeleton]');
      expect(skeleton.getAttribute('aria-busy')).to.equal('true');
      expect(skeleton.getAttribute('aria-label')).to.equal(en.method);
      // Nothing that is not true yet: no empty heading, no pay button saying "Processing…".
      for (const sel of ['legend', '[part=button]', '[part=form]'])
        expect(el.shadowRoot!.querySelector(sel), sel).to.equal(null);
      await expect(el).to.be.accessible();
      release();
      await settle(el);
      expect(el.getAttribute('state')).to.equal('idle');
      expect(el.shadowRoot!.querySelector('[part=skeleton]')).to.equal(null);
      expect(text(el, '[part=button]')).to.equal('Pay');
    });

    it('starts a new attempt after IDEMPOTENCY_KEY_REUSED', async () => {
      const el = await mount(html`<pay-button signer=${SIGNER} amount="1"></pay-button>`);
      fake.replies.checkout.push(signerError(422, 'IDEMPOTENCY_KEY_REUSED'));
      const error = oneEvent(el, 'pay-error');
      $(el, '[part=button]').click();
      await error;
      await el.updateComplete;
      record(el, 'pay-submit', true);
      $(el, '[part=retry]').click();
      await waitUntil(() => fake.callsTo('/api/checkout').length === 2);
      const [a, b] = fake.callsTo('/api/checkout').map((c) => c.headers.get('idempotency-key'));
      expect(a).to.not.equal(b);
    });

    it('shows a timeout, in Chinese too', async () => {
      const el = await mount(html`<pay-button signer=${SIGNER} amount="1" lang="zh-CN"></pay-button>`);
      el.timeout = 50;
      fake.replies.checkout.push('hang');
      const error = oneEvent(el, 'pay-error');
      $(el, '[part=button]').click();
      expect((await error).detail).to.deep.equal({
        code: 'TIMEOUT',
        message: '支付服务响应超时。',
        retryable: true,
      });
      await el.updateComplete;
      expect(text(el, '[part=error]')).to.equal('支付服务响应超时。 重试');
    });

    it('shows a failed config load as one message with a retry that loads it again', async () => {
      fake.replies.config.push('network', signerError(500, 'INTERNAL'));
      const el = await mount(html`<pay-button signer=${SIGNER} lang="en"></pay-button>`);
      expect(text(el, '[role=alert]')).to.equal('Could not reach the payment service. Retry');
      // The message alone: no empty heading, no methods, no pay button.
      expect(el.shadowRoot!.children).to.have.length(1);
      for (const sel of ['legend', '[part~=method]', '[part=button]'])
        expect(el.shadowRoot!.querySelector(sel), sel).to.equal(null);
      expect(el.getAttribute('state')).to.equal('error');
      await expect(el).to.be.accessible();
      $(el, '[part=retry]').click();
      // A retry that fails again shows the new error, with a retry again.
      const second = oneEvent(el, 'pay-error');
      expect((await second).detail.code).to.equal('INTERNAL');
      await el.updateComplete;
      expect(fake.callsTo('/api/config')).to.have.length(2);
      expect(text(el, '[role=alert]')).to.equal('Payment could not start (INTERNAL). Retry');
      $(el, '[part=retry]').click();
      await waitUntil(
        () => el.shadowRoot!.querySelectorAll('[part~=method]').length === 2,
        'config not reloaded',
      );
      expect(el.shadowRoot!.querySelector('[role=alert]')).to.equal(null);
      expect(fake.callsTo('/api/config')).to.have.length(3);
      expect(el.getAttribute('state')).to.equal('idle');
    });

    it('refuses to pay without a signer', async () => {
      fake.restore();
      const el = await mount(html`<pay-button bank-codes="903" amount="1" lang="en"></pay-button>`);
      const error = oneEvent(el, 'pay-error');
      $(el, '[part=button]').click();
      expect((await error).detail.code).to.equal('NO_SIGNER');
    });
  });

  describe('the submit report', () => {
    it('never holds the form back: a beacon the browser refuses to queue changes nothing', async () => {
      const submitted: HTMLFormElement[] = [];
      const original = HTMLFormElement.prototype.submit;
      HTMLFormElement.prototype.submit = function (this: HTMLFormElement) {
        submitted.push(this);
      };
      fake.beaconAnswer = false;
      try {
        const el = await mount(html`<pay-button signer=${SIGNER} amount="1" lang="en"></pay-button>`);
        const errors = record(el, 'pay-error');
        $(el, '[part=button]').click();
        await waitUntil(() => submitted.length === 1, 'form not submitted');
        expect(fake.beacons).to.have.length(1);
        expect(errors).to.deep.equal([]);
        expect($(el, '[part=button]').getAttribute('aria-busy')).to.equal('true');
      } finally {
        HTMLFormElement.prototype.submit = original;
      }
    });

    it('sends none when the checkout fails or the form is refused', async () => {
      const el = await mount(html`<pay-button signer=${SIGNER} amount="1" lang="en"></pay-button>`);
      fake.replies.checkout.push(signerError(500, 'INTERNAL'));
      fake.replies.checkout.push({ status: 201, body: checkout({ action: 'https://evil.test/x' }) });
      $(el, '[part=button]').click();
      await waitUntil(() => el.getAttribute('state') === 'error');
      $(el, '[part=retry]').click();
      await waitUntil(
        () => fake.callsTo('/api/checkout').length === 2 && el.getAttribute('state') === 'error',
      );
      expect(fake.beacons).to.deep.equal([]);
    });
  });

  describe('back-forward cache', () => {
    it('resets a stuck loading state on pageshow from the bfcache', async () => {
      const original = HTMLFormElement.prototype.submit;
      HTMLFormElement.prototype.submit = () => {};
      try {
        const el = await mount(html`<pay-button signer=${SIGNER} amount="1"></pay-button>`);
        $(el, '[part=button]').click();
        await waitUntil(() => el.querySelector('form'), 'no form');
        await el.updateComplete;
        expect($(el, '[part=button]').getAttribute('aria-busy')).to.equal('true');
        window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: false }));
        await el.updateComplete;
        expect($(el, '[part=button]').getAttribute('aria-busy')).to.equal('true');
        window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
        await el.updateComplete;
        expect($(el, '[part=button]').getAttribute('aria-busy')).to.equal('false');
        expect(el.getAttribute('state')).to.equal('idle');
        expect(el.querySelector('form')).to.equal(null);
        // The order already went to the gateway: pressing again makes a new one.
        record(el, 'pay-submit', true);
        $(el, '[part=button]').click();
        await waitUntil(() => fake.callsTo('/api/checkout').length === 2);
        const [a, b] = fake.callsTo('/api/checkout').map((c) => c.headers.get('idempotency-key'));
        expect(a).to.not.equal(b);
      } finally {
        HTMLFormElement.prototype.submit = original;
      }
    });
  });

  describe('language', () => {
    it('follows the page language when the element has none', async () => {
      const page = await fixture(
        html`<div lang="zh-CN"><pay-button signer=${SIGNER} amount="1"></pay-button></div>`,
      );
      const el = await settle(page.querySelector('pay-button')!);
      expect(text(el, 'legend')).to.equal('支付方式');
      expect(text(el, '[part=button]')).to.equal('支付 ¥1.00');
      expect($(el, 'form').getAttribute('lang')).to.equal('zh-CN');
      el.lang = 'en';
      await el.updateComplete;
      expect(text(el, 'legend')).to.equal('Payment method');
      expect(text(el, '[part=button]')).to.equal('Pay CN¥1.00');
      expect(el.getAttribute('lang')).to.equal('en');
    });
  });

  describe('keyboard', () => {
    it('is reachable and operable with the keyboard alone, with visible focus', async () => {
      const page = await fixture(
        html`<div>
          <button id="before">before</button>
          <pay-button signer=${SIGNER} lang="en"></pay-button>
        </div>`,
      );
      const el = await settle(page.querySelector('pay-button')!);
      const submits = record<PaySubmitDetail>(el, 'pay-submit', true);
      page.querySelector<HTMLButtonElement>('#before')!.focus();
      const focused = () => el.shadowRoot!.activeElement as HTMLElement | null;

      // Visible: a solid accent-coloured outline, not just a :focus-visible match.
      const ring = () => {
        const cs = getComputedStyle(focused()!);
        return [cs.outlineStyle, cs.outlineWidth, cs.outlineColor];
      };
      await sendKeys({ press: 'Tab' });
      expect((focused() as HTMLInputElement).value).to.equal('902');
      expect(focused()!.matches(':focus-visible')).to.equal(true);
      expect(ring()).to.deep.equal(['solid', '2px', 'rgb(11, 87, 208)']);
      await sendKeys({ press: 'ArrowDown' });
      expect((focused() as HTMLInputElement).value).to.equal('903');
      expect((focused() as HTMLInputElement).checked).to.equal(true);

      await sendKeys({ press: 'Tab' });
      expect(focused()!.getAttribute('part')).to.equal('preset');
      await sendKeys({ press: 'Tab' });
      await sendKeys({ press: 'Space' });
      await el.updateComplete;
      expect($<HTMLInputElement>(el, '#amount').value).to.equal('50.00');
      expect(focused()!.getAttribute('aria-pressed')).to.equal('true');

      await sendKeys({ press: 'Tab' });
      await sendKeys({ press: 'Tab' });
      expect(focused()!.id).to.equal('amount');
      await sendKeys({ down: 'Control' });
      await sendKeys({ press: 'KeyA' });
      await sendKeys({ up: 'Control' });
      await sendKeys({ type: '12.3456' });
      await sendKeys({ press: 'Enter' });
      await el.updateComplete;
      expect(text(el, '[part=field-error]')).to.equal(en.decimals);
      expect(focused()!.id).to.equal('amount');
      await sendKeys({ press: 'Backspace' });
      await sendKeys({ press: 'Backspace' });
      await sendKeys({ press: 'Tab' });
      expect(focused()!.getAttribute('part')).to.equal('button');
      expect(focused()!.matches(':focus-visible')).to.equal(true);
      expect(ring()).to.deep.equal(['solid', '2px', 'rgb(11, 87, 208)']);
      await sendKeys({ press: 'Enter' });
      await waitUntil(() => submits.length === 1);
      expect(fake.callsTo('/api/checkout')[0]!.body).to.deep.equal({
        bankCode: '903',
        amount: '12.34',
        lang: 'en',
        beacon: '1',
      });
    });
  });

  describe('styling', () => {
    const bg = (el: PayButton) => getComputedStyle($(el, '[part=button]')).backgroundColor;

    it('takes --pay-button-* properties and ::part() rules from the page', async () => {
      const page = await fixture(
        html`<div>
          <style>
            .themed {
              --pay-button-accent: rgb(1, 2, 3);
              --pay-button-border: rgb(7, 8, 9);
              --pay-button-radius: 0px;
            }
            .themed::part(status),
            .themed::part(amount) {
              outline: 3px solid rgb(4, 5, 6);
            }
          </style>
          <pay-button class="themed" signer=${SIGNER}></pay-button>
        </div>`,
      );
      const el = await settle(page.querySelector('pay-button')!);
      expect(bg(el)).to.equal('rgb(1, 2, 3)');
      expect(getComputedStyle($(el, '[part=button]')).borderTopLeftRadius).to.equal('0px');
      expect(getComputedStyle($(el, '[part=amount]')).outlineColor).to.equal('rgb(4, 5, 6)');
      // The selected method is outlined in the accent colour, the others in the border colour.
      const borders = () => $$(el, '[part~=method]').map((m) => getComputedStyle(m).borderTopColor);
      expect(borders()).to.deep.equal(['rgb(1, 2, 3)', 'rgb(7, 8, 9)']);
      ($$(el, 'input[type=radio]')[1] as HTMLInputElement).click();
      await el.updateComplete;
      expect(borders()).to.deep.equal(['rgb(7, 8, 9)', 'rgb(1, 2, 3)']);
    });
  });

  describe('embedding', () => {
    it('works inside another component’s shadow root', async () => {
      const host = await fixture<HTMLElement>(html`<section lang="en"></section>`);
      const root = host.attachShadow({ mode: 'open' });
      const el = document.createElement('pay-button');
      el.signer = SIGNER;
      el.amount = '3';
      root.append(el);
      await settle(el);
      expect(text(el, '[part=button]')).to.equal('Pay CN¥3.00');
      const submit = oneEvent(document, 'pay-submit');
      const cancel = (e: Event) => e.preventDefault();
      document.addEventListener('pay-submit', cancel);
      $(el, '[part=button]').click();
      const event = await submit;
      document.removeEventListener('pay-submit', cancel);
      expect(event.defaultPrevented).to.equal(true);
      expect(event.composed).to.equal(true);
      // Seen from the page, the event comes from the outer component, retargeted across the boundary.
      expect(event.target === host).to.equal(true);
      expect(event.detail.form.getAttribute('action')).to.equal(`${GATEWAY}/Pay_Index.html`);
      await expect(el).to.be.accessible();
    });

    it('survives the define module running twice', async () => {
      const first = customElements.get('pay-button');
      expect(first).to.equal(PayButton);
      expect(() => definePayButton()).to.not.throw();
      // A second evaluation of the module (as a second <script> with another URL would do).
      await import(`./define.ts?again=${Date.now()}`);
      expect(customElements.get('pay-button')).to.equal(first);
    });
  });
});
