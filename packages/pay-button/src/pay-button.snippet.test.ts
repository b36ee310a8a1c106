/**
 * @module pay-button snippet test: the README's `pay-button { display: block; min-height: … }` rule reserves the
 * element's height before its script arrives, so nothing below it moves when the element upgrades, shows its
 * skeleton, then its controls. /snippet/page.html (test/helpers/fake-server.mjs) has the rule and no script; the test adds
 * the production bundle and records every height the element takes.
 */
import { expect, waitUntil } from '@open-wc/testing';

interface Run {
  heights: number[];
  afterTops: number[];
  contentHeight: number;
}

/** Opens the page with `reserve` as the reserved height, upgrades the element, and records what moved. */
async function upgrade(reserve: string): Promise<Run> {
  const frame = document.createElement('iframe');
  frame.title = 'snippet page';
  frame.style.height = '900px';
  const loaded = new Promise((r) => frame.addEventListener('load', r, { once: true }));
  frame.src = `/snippet/page.html?reserve=${encodeURIComponent(reserve)}`;
  document.body.append(frame);
  await loaded;
  try {
    const doc = frame.contentDocument!;
    const el = doc.querySelector('pay-button')!;
    const after = doc.querySelector<HTMLElement>('#after')!;
    expect(frame.contentWindow!.customElements.get('pay-button')).to.equal(undefined);
    const heights = [el.getBoundingClientRect().height];
    const afterTops = [after.getBoundingClientRect().top];
    const observer = new ResizeObserver(() => {
      heights.push(el.getBoundingClientRect().height);
      afterTops.push(after.getBoundingClientRect().top);
    });
    observer.observe(el);
    const script = doc.createElement('script');
    script.type = 'module';
    script.src = '/bundle/pay-button.js';
    doc.head.append(script);
    await waitUntil(() => el.getAttribute('state') === 'idle', 'never upgraded', { timeout: 5000 });
    // One more frame, for the observer to report the last layout.
    await new Promise((r) => frame.contentWindow!.requestAnimationFrame(r));
    observer.disconnect();
    heights.push(el.getBoundingClientRect().height);
    afterTops.push(after.getBoundingClientRect().top);
    const form = el.shadowRoot!.querySelector('form')!;
    return { heights, afterTops, contentHeight: form.getBoundingClientRect().height };
  } finally {
    frame.remove();
  }
}

describe('the :not(:defined) snippet', () => {
  it('reserves the height: nothing moves when the element upgrades, loads and shows its controls', async () => {
    const run = await upgrade('20rem');
    expect(new Set(run.heights), `heights ${run.heights.join(', ')}`).to.deep.equal(new Set([20 * 16]));
    expect(new Set(run.afterTops).size, `#after at ${run.afterTops.join(', ')}`).to.equal(1);
    // The reservation was enough: the controls fit inside it.
    expect(run.contentHeight)
      .to.be.above(100)
      .and.at.most(20 * 16);
  });

  it('would notice a shift (a reservation too small for the controls)', async () => {
    const run = await upgrade('5rem');
    expect(run.heights[0]).to.equal(5 * 16);
    expect(Math.max(...run.heights)).to.be.above(5 * 16);
    expect(new Set(run.afterTops).size).to.be.above(1);
  });
});
