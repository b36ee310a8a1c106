/**
 * @module pay-button return page tests: the element on the merchant's return page, in Chromium against the fake
 * signer. One message at a time (waiting, paid with its receipt, not paid, no order, or one error), the receipt's
 * details, "not paid" when the gateway was asked while the shopper is there or when the time is up, the language
 * the shopper came back with.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { FakeSigner, SIGNER, order, signerError } from '../test/helpers/fake-signer.ts';
import './define.ts';
import type { PayStatusDetail } from './events.ts';
import { strings } from './i18n.ts';
import type { PayButton } from './pay-button.ts';

const $ = (el: Element, sel: string): HTMLElement => {
  const found = el.shadowRoot!.querySelector<HTMLElement>(sel);
  if (!found) throw new Error(`no ${sel}`);
  return found;
};
const text = (el: Element, sel: string) => $(el, sel).textContent!.replace(/\s+/g, ' ').trim();
const en = strings('en');
const zh = strings('zh-CN');

/** Appends a return-page element with the given properties and returns it (its first poll has started). */
async function returnPage(props: Partial<PayButton>): Promise<PayButton> {
  const el = Object.assign(document.createElement('pay-button'), {
    signer: SIGNER,
    pollInterval: 10,
    ...props,
  });
  (await fixture(html`<div></div>`)).append(el);
  return el;
}

/** The texts of every message the element shows: the status line and any alert. */
const messages = (el: PayButton) =>
  [...el.shadowRoot!.querySelectorAll('[part=status], [role=alert]')].map((m) => m.textContent!.trim());

/** The receipt as [label, value] rows. */
const receipt = (el: PayButton) =>
  [...el.shadowRoot!.querySelectorAll('[part=receipt] div')].map((d) => [
    d.querySelector('dt')!.textContent,
    d.querySelector('dd')!.textContent,
  ]);

/** With the page URL's query set to `query` for the duration of `run`. */
async function withQuery(query: string, run: () => Promise<void>) {
  const before = location.href;
  history.replaceState(null, '', query);
  try {
    await run();
  } finally {
    history.replaceState(null, '', before);
  }
}

describe('<pay-button> on the return page', () => {
  let fake: FakeSigner;
  beforeEach(() => (fake = new FakeSigner().install()));
  afterEach(() => fake.restore());

  it('polls with back-off until paid, then shows one message and the receipt', async () => {
    fake.replies.order.push(
      { status: 200, body: order('NOTPAY') },
      'network',
      { status: 200, body: order('NOTPAY') },
      { status: 200, body: order('PAID') },
    );
    const el = document.createElement('pay-button');
    Object.assign(el, { signer: SIGNER, orderId: 'E1', pollInterval: 20, lang: 'en' });
    const statuses: PayStatusDetail[] = [];
    el.addEventListener('pay-status', (e) => statuses.push(e.detail));
    const started = performance.now();
    (await fixture(html`<div></div>`)).append(el);
    await waitUntil(() => statuses.length === 1);
    await el.updateComplete;
    expect(messages(el)).to.deep.equal([en.pending]);
    expect(el.getAttribute('state')).to.equal('pending');
    expect($(el, '[part=status]').getAttribute('role')).to.equal('status');
    await expect(el).to.be.accessible();
    await waitUntil(() => statuses.length === 2, 'never paid', { timeout: 3000 });
    // Delays of 20, 40 and 80 ms between the four polls.
    expect(performance.now() - started).to.be.above(135);
    expect(statuses).to.deep.equal([
      { orderId: 'E1', status: 'NOTPAY' },
      { orderId: 'E1', status: 'PAID' },
    ]);
    await el.updateComplete;
    expect(el.getAttribute('state')).to.equal('paid');
    // One message, with its check mark; no "waiting" next to it.
    expect(messages(el)).to.deep.equal([en.paid]);
    expect(getComputedStyle($(el, '[part=status]'), '::before').content).to.match(/^"✓"/);
    // The receipt: amount, method (its name, from the signer's config), order id, paid time in this locale.
    const rows = receipt(el);
    const paidAt = new Date('2024-03-01T04:01:00.000Z').toLocaleString('en', {
      dateStyle: 'medium',
      timeStyle: 'short',
    });
    expect(rows).to.deep.equal([
      ['Amount (CNY)', 'CN¥12.34'],
      ['Payment method', 'Alipay QR'],
      ['Order', 'E1'],
      ['Paid', paidAt],
    ]);
    // In this browser's time zone: 04:01 UTC shown as the local clock reads it.
    expect(paidAt).to.include(String(new Date('2024-03-01T04:01:00.000Z').getMinutes()).padStart(2, '0'));
    expect(el.shadowRoot!.querySelector('[part=button], [part=form]')).to.equal(null);
    await expect(el).to.be.accessible();
    await new Promise((r) => setTimeout(r, 100));
    expect(fake.callsTo('/api/orders/E1')).to.have.length(4);
  });

  it('writes the receipt in Chinese, with the method’s Chinese name', async () => {
    fake.replies.order.push({ status: 200, body: order('PAID', { bankCode: '902', amountFen: 600 }) });
    const el = await returnPage({ orderId: 'E1', lang: 'zh-CN' });
    await waitUntil(() => el.getAttribute('state') === 'paid');
    await waitUntil(() => receipt(el)[1]?.[1] === '微信扫码支付', 'no method name');
    expect(messages(el)).to.deep.equal([zh.paid]);
    expect(receipt(el)).to.deep.equal([
      ['金额（元）', '¥6.00'],
      ['支付方式', '微信扫码支付'],
      ['订单号', 'E1'],
      [
        '支付时间',
        new Date('2024-03-01T04:01:00.000Z').toLocaleString('zh-CN', {
          dateStyle: 'medium',
          timeStyle: 'short',
        }),
      ],
    ]);
  });

  it('names the method by its code when the config cannot be read', async () => {
    fake.replies.config.push('network');
    fake.replies.order.push({ status: 200, body: order('PAID', { bankCode: '911' }) });
    const el = await returnPage({ orderId: 'E1', lang: 'en' });
    await waitUntil(() => el.getAttribute('state') === 'paid');
    await el.updateComplete;
    expect(receipt(el)[1]).to.deep.equal(['Payment method', '911']);
    // The failed config is not the shopper's business here: no error next to the receipt.
    expect(messages(el)).to.deep.equal([en.paid]);
  });

  it('says "not paid" when the gateway, asked while the shopper is here, answers NOTPAY', async () => {
    fake.replies.order.push(
      // An earlier check (before the shopper came back) is not news.
      { status: 200, body: order('NOTPAY', { checkedAt: '2024-03-01T04:00:05.000Z' }) },
      { status: 200, body: order('NOTPAY', { checkedAt: '2024-03-01T04:00:05.000Z' }) },
    );
    fake.defaults.order = { status: 200, body: order('NOTPAY', { checkedAt: '2024-03-01T04:02:00.000Z' }) };
    // Polls at 0, 100 and 300 ms: the second answer is seen well before the third is asked for.
    const el = await returnPage({ orderId: 'E1', lang: 'en', shopUrl: '/shop?lang=en', pollInterval: 100 });
    await waitUntil(() => fake.callsTo('/api/orders/E1').length === 2, 'no second poll', { interval: 5 });
    await el.updateComplete;
    expect(el.getAttribute('state')).to.equal('pending');
    await waitUntil(() => el.getAttribute('state') === 'unpaid', 'never not paid');
    await el.updateComplete;
    expect(messages(el)).to.deep.equal([en.unpaid]);
    // The ways on: pay again at the shop, or check again.
    expect($(el, '[part=pay-again]').getAttribute('href')).to.equal('/shop?lang=en');
    expect(text(el, '[part=pay-again]')).to.equal(en.again);
    expect(text(el, '[part=refresh]')).to.equal(en.refresh);
    await expect(el).to.be.accessible();
    // Paid after all (a slow notification): checking again turns it into the receipt.
    fake.defaults.order = { status: 200, body: order('PAID') };
    $(el, '[part=refresh]').click();
    await waitUntil(() => el.getAttribute('state') === 'paid', 'not paid after checking again');
    await el.updateComplete;
    expect(messages(el)).to.deep.equal([en.paid]);
    expect(el.shadowRoot!.querySelector('[part=refresh], [part=pay-again]')).to.equal(null);
  });

  it('says "not paid" when the order is still unpaid at the time limit, and stops asking', async () => {
    const el = await returnPage({ orderId: 'E1', pollTimeout: 60, lang: 'zh-CN' });
    await waitUntil(() => el.getAttribute('state') === 'unpaid', 'never not paid');
    await el.updateComplete;
    expect(messages(el)).to.deep.equal([zh.unpaid]);
    // No shop URL given: "pay again" leads to the site's home page.
    expect($(el, '[part=pay-again]').getAttribute('href')).to.equal('/');
    const polls = fake.callsTo('/api/orders/E1').length;
    // 0, 10 and 30 ms on an idle machine; fewer when the machine is slow, never more.
    expect(polls).to.be.within(1, 3);
    await expect(el).to.be.accessible();
    await new Promise((r) => setTimeout(r, 80));
    expect(fake.callsTo('/api/orders/E1')).to.have.length(polls);
    fake.replies.order.push({ status: 200, body: order('PAID') });
    const status = oneEvent(el, 'pay-status');
    $(el, '[part=refresh]').click();
    expect((await status).detail.status).to.equal('PAID');
    await el.updateComplete;
    expect(messages(el)).to.deep.equal([zh.paid]);
  });

  it('checks again when the return page comes back from the back-forward cache', async () => {
    const el = await returnPage({ orderId: 'E1', pollTimeout: 15 });
    await waitUntil(() => el.getAttribute('state') === 'unpaid', 'never not paid');
    const polls = fake.callsTo('/api/orders').length;
    fake.replies.order.push({ status: 200, body: order('PAID') });
    window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
    await waitUntil(() => el.getAttribute('state') === 'paid', 'not polled again');
    expect(fake.callsTo('/api/orders')).to.have.length(polls + 1);
  });

  it('reads the order id from the page URL and reports an unknown order as one error, nothing else', async () => {
    await withQuery('?orderId=E2024&x=1', async () => {
      fake.replies.order.push(signerError(404, 'ORDER_NOT_FOUND'));
      const el = await fixture<PayButton>(
        html`<pay-button signer=${SIGNER} order-id-param="orderId" lang="en"></pay-button>`,
      );
      const error = oneEvent(el, 'pay-error');
      expect((await error).detail.code).to.equal('ORDER_NOT_FOUND');
      await el.updateComplete;
      expect(fake.callsTo('/api/orders').map((c) => c.path)).to.deep.equal(['/api/orders/E2024']);
      expect(messages(el)).to.deep.equal(['Order not found.']);
      expect(el.shadowRoot!.querySelector('[part=status]')).to.equal(null);
      expect(el.getAttribute('state')).to.equal('error');
      await expect(el).to.be.accessible();
    });
  });

  it('without an order id in the URL: a message and the way back to the shop, never a payment form', async () => {
    await withQuery('?from=gateway', async () => {
      const el = await fixture<PayButton>(
        html`<pay-button signer=${SIGNER} order-id-param="orderId" lang="en" shop-url="/"></pay-button>`,
      );
      await el.updateComplete;
      expect(messages(el)).to.deep.equal([en.errors.ORDER_NOT_FOUND]);
      expect($(el, '[part=pay-again]').getAttribute('href')).to.equal('/');
      for (const sel of ['form', '[part=button]', '[part~=method]', '[part=skeleton]'])
        expect(el.shadowRoot!.querySelector(sel), sel).to.equal(null);
      expect(fake.calls).to.deep.equal([]);
      expect(el.getAttribute('state')).to.equal('error');
      await expect(el).to.be.accessible();
    });
  });

  it('speaks the language the shopper came back with (the URL’s lang), unless the element names its own', async () => {
    await withQuery('?orderId=E1&lang=en', async () => {
      const page = await fixture(
        html`<div lang="zh-CN">
          <pay-button signer=${SIGNER} order-id-param="orderId"></pay-button>
          <pay-button signer=${SIGNER} order-id-param="orderId" lang="zh-TW"></pay-button>
        </div>`,
      );
      const [fromUrl, own] = [...page.querySelectorAll('pay-button')];
      await waitUntil(() => fake.callsTo('/api/orders/E1').length >= 2);
      await fromUrl!.updateComplete;
      await own!.updateComplete;
      expect(messages(fromUrl!)).to.deep.equal([en.pending]);
      expect(messages(own!)).to.deep.equal([strings('zh-TW').pending]);
    });
  });

  it('stops polling when removed from the page', async () => {
    const el = await returnPage({ orderId: 'E1', pollInterval: 20 });
    await waitUntil(() => fake.callsTo('/api/orders').length >= 1);
    el.remove();
    const polls = fake.callsTo('/api/orders').length;
    await new Promise((r) => setTimeout(r, 150));
    expect(fake.callsTo('/api/orders')).to.have.length(polls);
  });
});
