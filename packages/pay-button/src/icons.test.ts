/**
 * @module icons tests
 */
import { expect, fixture, html } from '@open-wc/testing';
import { icon, iconKind } from './icons.js';

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

  it('renders a decorative inline SVG with no external reference', async () => {
    const el = await fixture<HTMLElement>(html`<span>${icon('903')}</span>`);
    const svg = el.querySelector('svg')!;
    expect(svg.namespaceURI).to.equal('http://www.w3.org/2000/svg');
    expect(svg.getAttribute('aria-hidden')).to.equal('true');
    expect(svg.getAttribute('class')).to.equal('icon alipay');
    expect(svg.querySelector('rect')!.namespaceURI).to.equal('http://www.w3.org/2000/svg');
    expect(el.innerHTML).to.not.match(/href|url\(|style=/);
  });
});
