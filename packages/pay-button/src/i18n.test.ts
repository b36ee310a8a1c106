/**
 * @module i18n tests
 */
import { expect, fixture, html } from '@open-wc/testing';
import { errorMessage, pickLang, strings } from './i18n.js';

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
    document.documentElement.setAttribute('lang', 'zh-TW');
    try {
      expect(pickLang(el)).to.equal('zh-CN');
      document.documentElement.setAttribute('lang', 'en');
      expect(pickLang(el)).to.equal('en');
    } finally {
      if (before === null) document.documentElement.removeAttribute('lang');
      else document.documentElement.setAttribute('lang', before);
    }
  });
});

describe('strings', () => {
  it('has the same keys and error codes in both languages', () => {
    const zh = strings('zh-CN');
    const en = strings('en');
    expect(Object.keys(zh).sort()).to.deep.equal(Object.keys(en).sort());
    expect(Object.keys(zh.errors).sort()).to.deep.equal(Object.keys(en.errors).sort());
    expect(zh.pay).to.equal('支付');
    expect(en.pay).to.equal('Pay');
  });
});

describe('errorMessage', () => {
  it('has a sentence for what a visitor can act on, and names the code otherwise', () => {
    const en = strings('en');
    const zh = strings('zh-CN');
    expect(errorMessage(en, 'TIMEOUT')).to.equal('The payment service did not answer in time.');
    expect(errorMessage(zh, 'NETWORK_ERROR')).to.equal('无法连接支付服务。');
    expect(errorMessage(en, 'AMOUNT_OUT_OF_RANGE')).to.equal('This amount is not accepted.');
    expect(errorMessage(zh, 'AMOUNT_OUT_OF_RANGE')).to.equal('该金额不被接受。');
    expect(errorMessage(en, 'GATEWAY_NOT_ALLOWED')).to.equal(
      'This payment button is not set up correctly (GATEWAY_NOT_ALLOWED).',
    );
    expect(errorMessage(zh, 'NO_SIGNER')).to.equal('支付按钮配置有误 (NO_SIGNER)。');
    expect(errorMessage(en, 'INTERNAL')).to.equal('Payment could not start (INTERNAL).');
    expect(errorMessage(zh, 'WHATEVER')).to.equal('无法发起支付 (WHATEVER)。');
  });
});
