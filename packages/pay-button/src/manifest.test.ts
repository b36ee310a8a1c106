/**
 * @module manifest tests: the custom elements manifest (`custom-elements.json`, from custom-elements-manifest.config.mjs
 * and the JSDoc tags of pay-button.ts) describes the element as it is: every attribute, event, part and CSS property,
 * and nothing private. Served in memory by test/fake-server.mjs with the analyzer and config the build uses.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { styles } from './pay-button.styles.js';
import { PayButton } from './pay-button.js';
import './define.js';
import { FakeSigner, SIGNER } from '../test/fake-signer.js';

interface Named {
  name: string;
}
interface Declaration {
  tagName?: string;
  customElement?: boolean;
  attributes: (Named & { fieldName: string })[];
  events: Named[];
  cssParts: Named[];
  cssProperties: (Named & { default?: string })[];
}
interface Manifest {
  modules: { path: string; declarations: Declaration[]; exports?: { kind: string; name: string }[] }[];
}

describe('custom-elements.json', () => {
  let manifest: Manifest;
  let element: Declaration;
  before(async () => {
    manifest = await (await fetch('/manifest/custom-elements.json')).json();
    element = manifest.modules.flatMap((m) => m.declarations).find((d) => d.tagName === 'pay-button')!;
  });

  it('describes <pay-button> in the published module and registers the tag', async () => {
    expect(element.customElement).to.equal(true);
    const mod = manifest.modules.find((m) => m.declarations.includes(element))!;
    expect(mod.path).to.equal('dist/lib/pay-button.js');
    const define = manifest.modules.find((m) => m.path === 'dist/lib/define.js')!;
    expect(
      define.exports!.filter((e) => e.kind === 'custom-element-definition').map((e) => e.name),
    ).to.deep.equal(['pay-button']);
    const pkg = await (await fetch('/package.json')).json();
    expect(pkg.customElements).to.equal('dist/custom-elements.json');
  });

  it('lists exactly the element’s attributes, with their properties', () => {
    const observed = (PayButton as unknown as { observedAttributes: string[] }).observedAttributes;
    expect(element.attributes.map((a) => a.name).sort()).to.deep.equal([...observed].sort());
    expect(element.attributes.find((a) => a.name === 'bank-codes')!.fieldName).to.equal('bankCodes');
    expect(element.attributes.find((a) => a.name === 'order-id-param')!.fieldName).to.equal('orderIdParam');
  });

  it('lists the four events', () => {
    expect(element.events.map((e) => e.name)).to.deep.equal([
      'pay-request',
      'pay-submit',
      'pay-error',
      'pay-status',
    ]);
  });

  it('lists every CSS custom property the styles read, with its light default', () => {
    const read = [...new Set(styles.cssText.match(/--pay-button-[\w-]+/g))].sort();
    expect(element.cssProperties.map((p) => p.name).sort()).to.deep.equal(read);
    expect(read).to.have.length(10);
    for (const p of element.cssProperties)
      expect(styles.cssText, p.name).to.include(`${p.name}, ${p.default})`);
  });

  it('lists every part the element renders', async () => {
    const fake = new FakeSigner().install();
    try {
      const rendered = new Set<string>();
      const collect = (el: Element) =>
        el.shadowRoot!.querySelectorAll('[part]').forEach((n) => rendered.add(n.getAttribute('part')!));
      const done = (el: Element) => waitUntil(() => el.getAttribute('state') !== 'loading');
      // The payment controls, a field error, then an error with its retry.
      const el = await fixture<PayButton>(html`<pay-button signer=${SIGNER} lang="en"></pay-button>`);
      await done(el);
      const pay = () => el.shadowRoot!.querySelector<HTMLElement>('[part=button]')!.click();
      pay();
      await waitUntil(() => el.shadowRoot!.querySelector('[part=field-error]'));
      collect(el);
      el.shadowRoot!.querySelector<HTMLElement>('[part=preset]')!.click();
      fake.replies.checkout.push('network');
      pay();
      await waitUntil(() => el.shadowRoot!.querySelector('[part=retry]'));
      collect(el);
      // A fixed amount's summary.
      const fixed = await fixture<PayButton>(html`<pay-button signer=${SIGNER} amount="1"></pay-button>`);
      await done(fixed);
      collect(fixed);
      // The return page once polling gave up: status and refresh.
      const ret = Object.assign(document.createElement('pay-button'), {
        signer: SIGNER,
        orderId: 'E1',
        pollInterval: 5,
        pollTimeout: 10,
      });
      (await fixture(html`<div></div>`)).append(ret);
      await waitUntil(() => ret.getAttribute('state') === 'stale');
      await ret.updateComplete;
      collect(ret);
      expect(element.cssParts.map((p) => p.name).sort()).to.deep.equal([...rendered].sort());
      expect(rendered.size).to.equal(14);
    } finally {
      fake.restore();
    }
  });
});
