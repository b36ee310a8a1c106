/**
 * @module manifest tests: the custom elements manifest (`custom-elements.json`, from custom-elements-manifest.config.mjs
 * and the JSDoc tags of pay-button.ts) describes the element as it is: every attribute, event, part and CSS property,
 * and nothing private. Served in memory by test/helpers/fake-server.mjs with the analyzer and config the build uses.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { styles } from './pay-button.styles.ts';
import { PayButton } from './pay-button.ts';
import './define.ts';
import { FakeSigner, SIGNER, config, order } from '../test/helpers/fake-signer.ts';

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
    expect(read).to.have.length(11);
    for (const p of element.cssProperties)
      expect(styles.cssText, p.name).to.include(`${p.name}, ${p.default})`);
  });

  it('lists every part the element renders', async () => {
    const fake = new FakeSigner().install();
    try {
      const rendered = new Set<string>();
      const collect = (el: Element) =>
        el.shadowRoot!.querySelectorAll('[part]').forEach((n) =>
          n
            .getAttribute('part')!
            .split(' ')
            .forEach((p) => rendered.add(p)),
        );
      const done = (el: Element) => waitUntil(() => el.getAttribute('state') !== 'loading');
      // The skeleton, while the config is held back.
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      fake.replies.config.push(async () => {
        await held;
        return new Response(JSON.stringify(config()), { status: 200 });
      });
      const el = await fixture<PayButton>(
        html`<pay-button signer=${SIGNER} lang="en" amounts="10,50" amount="10"></pay-button>`,
      );
      collect(el);
      release();
      await done(el);
      // The payment controls with a checked method and a selected preset, a field error, then an error and retry.
      collect(el);
      const input = el.shadowRoot!.querySelector<HTMLInputElement>('#amount')!;
      input.value = '';
      input.dispatchEvent(new InputEvent('input'));
      const pay = () => el.shadowRoot!.querySelector<HTMLElement>('[part=button]')!.click();
      pay();
      await waitUntil(() => el.shadowRoot!.querySelector('[part=field-error]'));
      collect(el);
      el.shadowRoot!.querySelector<HTMLElement>('[part~=preset]')!.click();
      fake.replies.checkout.push('network');
      pay();
      await waitUntil(() => el.shadowRoot!.querySelector('[part=retry]'));
      collect(el);
      // A fixed amount's summary.
      const fixed = await fixture<PayButton>(html`<pay-button signer=${SIGNER} amount="1"></pay-button>`);
      await done(fixed);
      collect(fixed);
      // The return page: a receipt, then "not paid" with its two ways on.
      const returnPage = async (pollTimeout: number) => {
        const ret = Object.assign(document.createElement('pay-button'), {
          signer: SIGNER,
          orderId: 'E1',
          pollInterval: 5,
          pollTimeout,
        });
        (await fixture(html`<div></div>`)).append(ret);
        await waitUntil(() => ['paid', 'unpaid'].includes(ret.getAttribute('state')!));
        await ret.updateComplete;
        collect(ret);
      };
      fake.replies.order.push({ status: 200, body: order('PAID') });
      await returnPage(10_000);
      await returnPage(10);
      expect(element.cssParts.map((p) => p.name).sort()).to.deep.equal([...rendered].sort());
      expect(rendered.size).to.equal(22);
    } finally {
      fake.restore();
    }
  });
});
