/**
 * @module icons: small inline SVG marks per payment family, so the method list needs no network and no image CSP.
 */
import { html, svg, type TemplateResult } from 'lit';

const stroke = (d: string) =>
  svg`<path d=${d} fill="none" stroke="#fff" stroke-width="1.8" stroke-linecap="round"/>`;

const shapes = {
  wechat: svg`<ellipse cx="9.5" cy="10" rx="7.5" ry="6"/><ellipse cx="15.5" cy="15" rx="6.5" ry="5" stroke="#fff"/>`,
  alipay: svg`<rect x="2" y="2" width="20" height="20" rx="5"/>${stroke('M6 8h12M12 5v7M8 18c4-1 7-4 8-9M9 12c3 4 6 5 10 6')}`,
  qq: svg`<ellipse cx="12" cy="11" rx="6.5" ry="8.5"/>${stroke('M8 17c2 1 6 1 8 0')}`,
  bank: svg`<rect x="2" y="5" width="20" height="14" rx="2.5"/>${stroke('M2 10h20M6 15h4')}`,
  other: svg`<circle cx="12" cy="12" r="10"/>${stroke('M8 6l4 5 4-5M12 11v7M8.5 12.5h7M8.5 15.5h7')}`,
};

/**
 * The icon family of a bank code (PROTOCOL.md): 901/902 WeChat, 903/904 Alipay, 905/908 QQ, 907 online banking.
 *
 * @example
 * const kind: IconKind = iconKind('907'); // 'bank'
 */
export type IconKind = keyof typeof shapes;

/**
 * The icon family for a bank code.
 *
 * @example
 * iconKind('903'); // 'alipay'
 */
export function iconKind(code: string): IconKind {
  return (
    (
      {
        901: 'wechat',
        902: 'wechat',
        903: 'alipay',
        904: 'alipay',
        905: 'qq',
        908: 'qq',
        907: 'bank',
      } as const
    )[code as '901'] ?? 'other'
  );
}

/**
 * The decorative icon for a bank code, hidden from assistive technology (the method's name is the label).
 *
 * @example
 * html`<label>${icon('902')} WeChat</label>`;
 */
export function icon(code: string): TemplateResult {
  const kind = iconKind(code);
  return html`<svg
    class="icon ${kind}"
    part="icon"
    viewBox="0 0 24 24"
    fill="currentColor"
    aria-hidden="true"
  >
    ${shapes[kind]}
  </svg>`;
}

/**
 * The check mark of a paid receipt: a filled circle in the text colour with the mark cut out in the background
 * colour (styles), decorative (the words next to it say "paid").
 *
 * @example
 * html`<p>${checkMark} Payment received</p>`;
 */
export const checkMark = html`<svg class="check" viewBox="0 0 24 24" aria-hidden="true">
  <circle cx="12" cy="12" r="11" fill="currentColor" />
  <path d="M7 12.5l3.3 3.3L17 9" fill="none" stroke-width="2.2" stroke-linecap="round" />
</svg>`;
