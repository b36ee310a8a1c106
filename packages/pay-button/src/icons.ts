/**
 * @module icons: a small brand-coloured mark per payment family, drawn by the styles (no image, no network, nothing
 * for an image CSP to allow). A colour chip rather than a drawn logo: drawings cost about 250 B of gzip in a bundle
 * held to 12 KB, and the family's colour is what shoppers recognise at a glance; the name next to it says the rest.
 */
import { html, type TemplateResult } from 'lit';

/**
 * The mark's family for a bank code (docs/protocol.md#bank-codes): 901/902 WeChat, 903/904 Alipay, 905/908 QQ,
 * 907 online banking.
 *
 * @example
 * const kind: IconKind = iconKind('907'); // 'bank'
 */
export type IconKind = 'wechat' | 'alipay' | 'qq' | 'bank' | 'other';

/**
 * The mark's family for a bank code.
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
 * The decorative mark for a bank code, hidden from assistive technology (the method's name is the label).
 *
 * @example
 * html`<label>${icon('902')} WeChat</label>`;
 */
export function icon(code: string): TemplateResult {
  return html`<i class="icon ${iconKind(code)}" part="icon" aria-hidden="true"></i>`;
}
