/**
 * @module i18n tests
 */
import { expect, fixture, html } from '@open-wc/testing';
import { errorMessage, pickLang, strings } from './i18n.ts';

describe('pickLang', () => {
  it('reads the element, then its ancestors, across a shadow root', async () => {
    const outer = await fixture<HTMLDivElement>(html`<div lang="zh-Hans"><span></span></div>`);
    const host = outer.querySelector('span')!;
    const root = host.attachShadow({ mode: 'open' });
    const inner = document.createElement('i');
    root.append(inner);
    expect(pickLang(inner)).to.equal('zh-CN');
    inner.setAttribute('lang', 'en-GB');
    expect(pickLang(inner)).to.equal('en');
    outer.setAttribute('lang', 'fr');
    inner.removeAttribute('lang');
    expect(pickLang(inner)).to.equal('en');
  });

  it('falls back to the page language', async () => {
    const el = await fixture<HTMLDivElement>(html`<div></div>`);
    const before = document.documentElement.getAttribute('lang');
    try {
      for (const [page, lang] of [
        ['zh-CN', 'zh-CN'],
        ['zh', 'zh-CN'],
        ['zh-Hans-SG', 'zh-CN'],
        ['zh-SG', 'zh-CN'],
        ['zh-TW', 'zh-TW'],
        ['zh-tw', 'zh-TW'],
        ['zh-HK', 'zh-TW'],
        ['zh-MO', 'zh-TW'],
        ['zh-Hant', 'zh-TW'],
        ['zh-Hant-CN', 'zh-TW'],
        ['en', 'en'],
        ['fr-CA', 'en'],
      ]) {
        document.documentElement.setAttribute('lang', page!);
        expect(pickLang(el), page).to.equal(lang);
      }
    } finally {
      if (before === null) document.documentElement.removeAttribute('lang');
      else document.documentElement.setAttribute('lang', before);
    }
  });
});

describe('strings', () => {
  it('has the same keys and error codes in all three languages, none empty', () => {
    const en = strings('en');
    for (const lang of ['zh-CN', 'zh-TW'] as const) {
      const zh = strings(lang);
      expect(Object.keys(zh).sort(), lang).to.deep.equal(Object.keys(en).sort());
      expect(Object.keys(zh.errors).sort(), lang).to.deep.equal(Object.keys(en.errors).sort());
      for (const [key, value] of Object.entries({ ...zh, ...zh.errors }))
        if (key !== 'errors') expect(value, `${lang} ${key}`).to.be.a('string').and.not.equal('');
    }
    expect([strings('en').pay, strings('zh-CN').pay, strings('zh-TW').pay]).to.deep.equal([
      'Pay',
      '支付',
      '付款',
    ]);
    // Traditional characters where Simplified differ.
    expect(strings('zh-TW').errors.NETWORK_ERROR).to.equal('無法連線至付款服務。');
    expect(strings('zh-TW').amount).to.equal('金額（人民幣）');
  });
});

describe('errorMessage', () => {
  it('has a sentence for what a visitor can act on, and names the code otherwise', () => {
    const en = strings('en');
    const zh = strings('zh-CN');
    expect(errorMessage(en, 'TIMEOUT')).to.equal('The payment service timed out.');
    expect(errorMessage(zh, 'NETWORK_ERROR')).to.equal('无法连接支付服务。');
    // The element checked the amount against its bounds: a refusal means the page's bounds are not the signer's.
    expect(errorMessage(en, 'AMOUNT_OUT_OF_RANGE')).to.equal(
      'This payment button is not set up correctly (AMOUNT_OUT_OF_RANGE).',
    );
    expect(errorMessage(zh, 'INVALID_AMOUNT')).to.equal('支付按钮配置有误 (INVALID_AMOUNT)。');
    expect(errorMessage(en, 'GATEWAY_NOT_ALLOWED')).to.equal(
      'This payment button is not set up correctly (GATEWAY_NOT_ALLOWED).',
    );
    expect(errorMessage(zh, 'NO_SIGNER')).to.equal('支付按钮配置有误 (NO_SIGNER)。');
    expect(errorMessage(en, 'INTERNAL')).to.equal('Payment could not start (INTERNAL).');
    expect(errorMessage(zh, 'WHATEVER')).to.equal('无法发起支付 (WHATEVER)。');
    const tw = strings('zh-TW');
    expect(errorMessage(tw, 'TIMEOUT')).to.equal('付款服務回應逾時。');
    expect(errorMessage(tw, 'UNKNOWN_PRODUCT')).to.equal('付款按鈕設定有誤 (UNKNOWN_PRODUCT)。');
    expect(errorMessage(en, 'BANK_CODE_NOT_OFFERED')).to.equal(
      'This payment button is not set up correctly (BANK_CODE_NOT_OFFERED).',
    );
  });
});
