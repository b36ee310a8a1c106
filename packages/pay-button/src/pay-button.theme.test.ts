/**
 * @module pay-button look tests, in Chromium: the three themes on light and dark host pages with the OS scheme
 * emulated both ways (axe inside the shadow root, colour contrast included), the checked method and the selected
 * preset told apart by more than colour and stylable through state parts, ten methods on a 375×740 phone, long
 * unbreakable text, and Traditional Chinese.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { emulateMedia, setViewport } from '@web/test-runner-commands';
import { FakeSigner, SIGNER, config } from '../test/helpers/fake-signer.ts';
import './define.ts';
import { strings } from './i18n.ts';
import type { PayButton } from './pay-button.ts';

const $ = (el: Element, sel: string): HTMLElement => {
  const found = el.shadowRoot!.querySelector<HTMLElement>(sel);
  if (!found) throw new Error(`no ${sel}`);
  return found;
};
const $$ = (el: Element, sel: string) => [...el.shadowRoot!.querySelectorAll<HTMLElement>(sel)];
const text = (el: Element, sel: string) => $(el, sel).textContent!.replace(/\s+/g, ' ').trim();
const style = (el: Element) => getComputedStyle(el);

async function settle(el: PayButton): Promise<PayButton> {
  await el.updateComplete;
  await waitUntil(() => el.getAttribute('state') !== 'loading', 'still loading');
  await el.updateComplete;
  return el;
}

/** docs/protocol.md#bank-codes' nine codes and an operator's own 911, as a signer offering all ten names them. */
const TEN = [
  ['901', '微信公众号', 'WeChat Official Account'],
  ['902', '微信扫码支付', 'WeChat Pay QR code'],
  ['903', '支付宝扫码支付', 'Alipay QR code'],
  ['904', '支付宝手机', 'Alipay mobile'],
  ['905', 'QQ 手机支付', 'QQ mobile'],
  ['907', '网银支付', 'Online banking'],
  ['908', 'QQ 扫码支付', 'QQ QR code'],
  ['909', '百度钱包', 'Baidu Wallet'],
  ['910', '京东支付', 'JD Pay'],
  ['911', '云闪付', 'UnionPay QuickPass'],
].map(([code, name, nameEn]) => ({ code: code!, name: name!, nameEn: nameEn! }));

describe('<pay-button> themes, states and layout', () => {
  let fake: FakeSigner;
  beforeEach(() => (fake = new FakeSigner().install()));
  afterEach(async () => {
    fake.restore();
    document.body.style.background = '';
    document.body.style.color = '';
    await emulateMedia({ colorScheme: 'light' });
  });

  describe('themes', () => {
    /** The element with a checked method and a selected preset. */
    async function mount(theme: string | undefined): Promise<PayButton> {
      const el = await settle(
        await fixture<PayButton>(
          html`<pay-button
            signer=${SIGNER}
            lang="en"
            amounts="10,50"
            amount="50"
            theme=${theme ?? ''}
          ></pay-button>`,
        ),
      );
      if (theme === undefined) el.removeAttribute('theme');
      await el.updateComplete;
      return el;
    }

    /** Then a refused amount, for the error colour. */
    async function refuse(el: PayButton) {
      const input = $(el, '#amount') as HTMLInputElement;
      input.value = '0.5';
      input.dispatchEvent(new InputEvent('input'));
      $(el, '[part=button]').click();
      await el.updateComplete;
      expect(el.shadowRoot!.querySelector('[part=field-error]')).to.not.equal(null);
    }

    for (const theme of [undefined, 'light', 'dark', 'auto'])
      for (const page of ['light', 'dark'] as const)
        for (const os of ['light', 'dark'] as const)
          it(`theme=${theme ?? '(none)'} on a ${page} page with a ${os} OS: axe finds nothing`, async () => {
            await emulateMedia({ colorScheme: os });
            document.body.style.background = page === 'light' ? '#ffffff' : '#121212';
            document.body.style.color = page === 'light' ? '#1f1f1f' : '#e3e3e3';
            const el = await mount(theme);
            await expect(el).to.be.accessible();
            await refuse(el);
            await expect(el).to.be.accessible();
            // The colours it drew with are the theme's, whatever the page and (except for auto) the OS.
            const dark = theme === 'dark' || (theme === 'auto' && os === 'dark');
            expect(style(el).backgroundColor).to.equal(dark ? 'rgb(19, 19, 20)' : 'rgb(255, 255, 255)');
            expect(style(el).color).to.equal(dark ? 'rgb(227, 227, 227)' : 'rgb(31, 31, 31)');
            expect(style($(el, '[part=button]')).backgroundColor).to.equal(
              dark ? 'rgb(168, 199, 250)' : 'rgb(11, 87, 208)',
            );
          });

    it('the contrast check does look inside the shadow root (a control that must fail)', async () => {
      // Light text on the light theme's white: the mistake a dark-OS visitor saw before themes.
      const el = await settle(
        await fixture<PayButton>(
          html`<pay-button signer=${SIGNER} lang="en" style="--pay-button-text: #e3e3e3"></pay-button>`,
        ),
      );
      await expect(el).not.to.be.accessible();
    });

    it('the return page is accessible in each theme on both pages', async () => {
      fake.defaults.order = {
        status: 200,
        body: { ...(await import('../test/helpers/fake-signer.ts')).order('PAID') },
      };
      for (const theme of ['light', 'dark', 'auto'])
        for (const page of ['#ffffff', '#121212']) {
          await emulateMedia({ colorScheme: page === '#ffffff' ? 'dark' : 'light' });
          document.body.style.background = page;
          const el = Object.assign(document.createElement('pay-button'), {
            signer: SIGNER,
            orderId: 'E1',
            lang: 'en',
            theme,
          });
          (await fixture(html`<div></div>`)).append(el);
          await waitUntil(() => el.getAttribute('state') === 'paid', 'never paid');
          await el.updateComplete;
          await expect(el, `${theme} on ${page}`).to.be.accessible();
        }
    });
  });

  describe('visible states', () => {
    it('tells the checked method and the selected preset from the others by more than colour', async () => {
      const el = await settle(
        await fixture<PayButton>(
          html`<pay-button signer=${SIGNER} lang="en" amount="50" amounts="10,50"></pay-button>`,
        ),
      );
      const [checked, other] = $$(el, '[part~=method]');
      expect(checked!.getAttribute('part')).to.equal('method method-checked');
      expect(other!.getAttribute('part')).to.equal('method');
      const c = style(checked!);
      const o = style(other!);
      expect([c.fontWeight, o.fontWeight]).to.deep.equal(['600', '400']);
      // A second ring of the accent colour inside the border: the checked tile's outline is twice as thick.
      expect(o.boxShadow).to.equal('none');
      expect(c.boxShadow).to.match(/inset/);
      expect(c.backgroundColor).to.not.equal(o.backgroundColor);

      const [ten, fifty] = $$(el, '[part~=preset]');
      expect([ten!.getAttribute('part'), fifty!.getAttribute('part')]).to.deep.equal([
        'preset',
        'preset preset-selected',
      ]);
      expect(fifty!.getAttribute('aria-pressed')).to.equal('true');
      expect([style(fifty!).fontWeight, style(ten!).fontWeight]).to.deep.equal(['600', '400']);
      expect(style(fifty!).backgroundColor).to.equal('rgb(11, 87, 208)');
      expect(style(ten!).backgroundColor).to.equal('rgba(0, 0, 0, 0)');
      // A tick before the selected amount (hidden from screen readers, which hear aria-pressed).
      expect(getComputedStyle(fifty!, '::before').content).to.match(/^"✓ "/);
      expect(getComputedStyle(ten!, '::before').content).to.equal('none');

      // Choosing another moves both state parts.
      ten!.click();
      (el.shadowRoot!.querySelectorAll('input[type=radio]')[1] as HTMLInputElement).click();
      await el.updateComplete;
      expect($$(el, '[part~=preset-selected]').map((b) => b.textContent!.trim())).to.deep.equal(['CN¥10.00']);
      expect($$(el, '[part~=method-checked]').map((m) => m.textContent!.trim())).to.deep.equal(['Alipay QR']);
    });

    it('lets the page style the states and the pieces through parts', async () => {
      const page = await fixture(
        html`<div>
          <style>
            .parts::part(method-checked) {
              outline: 3px solid rgb(1, 2, 3);
            }
            .parts::part(preset-selected) {
              background: rgb(4, 5, 6);
            }
            .parts::part(legend),
            .parts::part(amount-label) {
              color: rgb(7, 8, 9);
            }
            .parts::part(radio) {
              accent-color: rgb(10, 11, 12);
            }
          </style>
          <pay-button class="parts" signer=${SIGNER} lang="en" amount="50" amounts="10,50"></pay-button>
        </div>`,
      );
      const el = await settle(page.querySelector('pay-button')!);
      expect(style($(el, '[part~=method-checked]')).outlineColor).to.equal('rgb(1, 2, 3)');
      expect(style($$(el, '[part~=method]')[1]!).outlineStyle).to.equal('none');
      expect(style($(el, '[part~=preset-selected]')).backgroundColor).to.equal('rgb(4, 5, 6)');
      expect(style($(el, '[part=legend]')).color).to.equal('rgb(7, 8, 9)');
      expect(style($(el, '[part=amount-label]')).color).to.equal('rgb(7, 8, 9)');
      expect(style($(el, '[part=radio]')).accentColor).to.equal('rgb(10, 11, 12)');
    });
  });

  describe('layout', () => {
    afterEach(() => setViewport({ width: 800, height: 600 }));

    it('with ten methods on a 375×740 phone, a two-column grid keeps Pay on the screen', async () => {
      await setViewport({ width: 375, height: 740 });
      fake.defaults.config = { status: 200, body: { ...config(), methods: TEN } };
      for (const lang of ['zh-CN', 'en']) {
        const el = await settle(
          await fixture<PayButton>(
            html`<pay-button signer=${SIGNER} lang=${lang} amounts="6,30,68,128"></pay-button>`,
          ),
        );
        expect($$(el, '[part~=method]')).to.have.length(10);
        expect($(el, '[part=methods]').classList.contains('grid')).to.equal(true);
        const [first, second] = $$(el, '[part~=method]').map((m) => m.getBoundingClientRect());
        expect(second!.top, 'two tiles side by side').to.equal(first!.top);
        const top = el.getBoundingClientRect().top;
        const pay = $(el, '[part=button]').getBoundingClientRect();
        // Scrolled so that the element's top is at the top of the screen, Pay is still entirely on it.
        expect(pay.bottom - top, lang).to.be.at.most(740);
        expect(el.getBoundingClientRect().right).to.be.at.most(375);
      }
    });

    it('keeps four methods as a list', async () => {
      fake.replies.config.push({ status: 200, body: { ...config(), methods: TEN.slice(0, 4) } });
      const el = await settle(await fixture<PayButton>(html`<pay-button signer=${SIGNER}></pay-button>`));
      expect($(el, '[part=methods]').classList.contains('grid')).to.equal(false);
    });

    it('wraps a 200-character unbreakable name inside its host instead of widening it', async () => {
      const long = 'SKU'.padEnd(200, 'X');
      const host = await fixture<HTMLDivElement>(
        html`<div style="width: 300px">
          <pay-button signer=${SIGNER} lang="en" amount="12" product-name=${long}></pay-button>
        </div>`,
      );
      const el = await settle(host.querySelector('pay-button')!);
      expect(text(el, '[part=summary]')).to.include(long);
      expect(el.getBoundingClientRect().width).to.be.at.most(300);
      for (const node of [el, $(el, 'form'), $(el, '[part=summary]')])
        expect(node.scrollWidth, node.localName).to.be.at.most(node.clientWidth);
      // A long method name and a long amount text do not push it either.
      fake.replies.config.push({
        status: 200,
        body: { ...config(), methods: [{ code: '902', name: 'W'.repeat(120), nameEn: 'W'.repeat(120) }] },
      });
      const other = await settle(
        (
          await fixture<HTMLDivElement>(
            html`<div style="width: 300px"><pay-button signer=${SIGNER} lang="en"></pay-button></div>`,
          )
        ).querySelector('pay-button')!,
      );
      const input = $(other, '#amount') as HTMLInputElement;
      input.value = '9'.repeat(200);
      input.dispatchEvent(new InputEvent('input'));
      $(other, '[part=button]').click();
      await other.updateComplete;
      expect(other.getBoundingClientRect().width).to.be.at.most(300);
      expect(other.scrollWidth).to.be.at.most(other.clientWidth);
    });
  });

  describe('Traditional Chinese', () => {
    for (const lang of ['zh-TW', 'zh-HK', 'zh-Hant-MO'])
      it(`speaks zh-TW for ${lang}`, async () => {
        const el = await settle(
          await fixture<PayButton>(html`<pay-button signer=${SIGNER} lang=${lang} amount="1"></pay-button>`),
        );
        const tw = strings('zh-TW');
        expect(text(el, 'legend')).to.equal(tw.method);
        expect(tw.method).to.equal('付款方式');
        expect(text(el, '[part=button]')).to.equal('付款 CN¥1.00');
        expect($(el, 'form').getAttribute('lang')).to.equal('zh-TW');
        await expect(el).to.be.accessible();
      });
  });
});
