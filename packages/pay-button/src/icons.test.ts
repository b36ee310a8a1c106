/**
 * @module icons tests
 */
import { expect, fixture, html } from '@open-wc/testing';
import { icon, iconKind } from './icons.ts';

describe('icons', () => {
  it('maps bank codes to icon families', () => {
    expect(['901', '902', '903', '904', '905', '907', '908', '910', 'X'].map(iconKind)).to.deep.equal([
      'wechat',
      'wechat',
      'alipay',
      'alipay',
      'qq',
      'bank',
      'qq',
      'other',
      'other',
    ]);
  });

  it('renders a decorative mark, hidden from assistive technology, with no external reference', async () => {
    const el = await fixture<HTMLElement>(html`<span>${icon('903')}</span>`);
    const mark = el.querySelector('i')!;
    expect(mark.getAttribute('aria-hidden')).to.equal('true');
    expect(mark.getAttribute('class')).to.equal('icon alipay');
    expect(mark.getAttribute('part')).to.equal('icon');
    expect(mark.textContent).to.equal('');
    expect(el.innerHTML).to.not.match(/href|url\(|style=/);
  });
});
