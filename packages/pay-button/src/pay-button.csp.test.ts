/**
 * @module pay-button under a strict CSP: /csp/page.html is served with `default-src 'self'; form-action <gateway>`
 * (test/helpers/fake-server.mjs) and loads the production bundle twice. The element talks to a fake signer over real HTTP
 * and posts to a gateway on another origin (127.0.0.1 while the page is on localhost). No violation or script
 * error may be reported, and the styles must apply.
 */
import { expect, waitUntil } from '@open-wc/testing';

type CspWindow = Window &
  typeof globalThis & { violations?: string[]; errors?: string[]; litElementVersions?: string[] };

async function openPage(): Promise<{ frame: HTMLIFrameElement; win: CspWindow; el: HTMLElement }> {
  const frame = document.createElement('iframe');
  frame.title = 'CSP page';
  const loaded = new Promise((r) => frame.addEventListener('load', r, { once: true }));
  frame.src = '/csp/page.html';
  document.body.append(frame);
  await loaded;
  const win = frame.contentWindow as CspWindow;
  await waitUntil(() => win.violations && win.customElements.get('pay-button'), 'element never defined');
  const el = win.document.querySelector('pay-button')!;
  await waitUntil(() => el.getAttribute('state') === 'idle', 'config never loaded', { timeout: 3000 });
  return { frame, win, el };
}

describe('<pay-button> on a page with a strict CSP', () => {
  let frame: HTMLIFrameElement | undefined;
  afterEach(() => frame?.remove());

  it('serves the page with the policy', async () => {
    const res = await fetch('/csp/page.html');
    expect(res.headers.get('content-security-policy')).to.match(
      /^default-src 'self'; form-action http:\/\/127\.0\.0\.1:\d+; base-uri 'none'$/,
    );
  });

  it('renders, styles itself and posts to the gateway without a violation', async () => {
    const page = await openPage();
    frame = page.frame;
    const { win, el } = page;
    // Both copies of the bundle ran (each registers its Lit), and the second did not throw on define.
    expect(win.litElementVersions).to.have.length(2);
    expect(win.errors).to.deep.equal([]);
    const button = el.shadowRoot!.querySelector<HTMLButtonElement>('[part=button]')!;
    expect(button.textContent!.trim()).to.equal('Pay CN¥12.34');
    // The adopted stylesheet applied: the default accent colour is on the button.
    expect(win.getComputedStyle(button).backgroundColor).to.equal('rgb(11, 87, 208)');
    expect(el.shadowRoot!.querySelectorAll('[part~=method]')).to.have.length(2);

    // Violations are recorded by the page's own script; keep a copy from here, the page is about to leave.
    const seen: string[] = [];
    win.document.addEventListener('securitypolicyviolation', (e) => seen.push(e.violatedDirective));
    const recorded = win.violations!;
    const navigated = new Promise((r) => frame!.addEventListener('load', r, { once: true }));
    button.click();
    await navigated;
    expect(seen).to.deep.equal([]);
    expect([...recorded]).to.deep.equal([]);
    const got = await (await fetch('/fake-gateway/last')).json();
    expect(got.fields).to.deep.equal({
      pay_orderid: 'E2024CSP',
      pay_amount: '12.34',
      pay_bankcode: '902',
      pay_md5sign: 'AB',
    });
    // The submit report reached the signer over real HTTP under the same policy (connect-src 'self'), with the
    // page's origin for the signer to check.
    await waitUntil(
      async () => ((await (await fetch('/fake-signer/beacons')).json()) as unknown[]).length > 0,
      'no beacon',
    );
    const beacons = (await (await fetch('/fake-signer/beacons')).json()) as {
      path: string;
      origin: string;
    }[];
    expect(beacons.at(-1)).to.deep.equal({
      path: '/fake-signer/api/orders/E2024CSP/submitted',
      origin: location.origin,
    });
    // The frame is now on the gateway's origin, so reading its location is refused.
    expect(() => frame!.contentWindow!.location.href).to.throw(/cross-origin/);
  });

  it('would notice a violation (the detector works)', async () => {
    const page = await openPage();
    frame = page.frame;
    // An inline style attribute is exactly what the element must never use.
    page.el.setAttribute('style', 'color: red');
    await waitUntil(() => page.win.violations!.length > 0, 'no violation reported');
    expect(page.win.violations![0]).to.match(/^style-src-attr/);
  });
});
