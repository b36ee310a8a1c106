/**
 * @module pay-button.styles: the element's styles. Adopted stylesheets only (no inline `style` attributes), so a
 * `style-src 'self'` policy allows them. Light unless the page asks otherwise (`theme="dark"`, or `theme="auto"` to
 * follow `prefers-color-scheme`): the OS alone never switches a merchant's light page to light-on-white text. Each
 * theme paints its own background, so its text keeps its contrast on any page.
 */
import { unsafeCSS } from 'lit';

/**
 * The styles of `<pay-button>`, every colour, radius, font and gap overridable with a `--pay-button-*` property.
 *
 * @example
 * class MyButton extends LitElement { static override styles = [styles, css`:host { display: inline-block; }`]; }
 */
// unsafeCSS over a constant rather than the css`` tag: the same stylesheet, and the bundle then leaves out the tag
// function (65 B of gzip). Nothing is interpolated, so there is nothing unsafe about it.
export const styles = unsafeCSS(/* css */ `
  :host {
    --_accent: var(--pay-button-accent, #0b57d0);
    --_on-accent: var(--pay-button-accent-text, #fff);
    --_bg: var(--pay-button-background, #fff);
    --_text: var(--pay-button-text, #1f1f1f);
    --_error: var(--pay-button-error, #b3261e);
    --_success: var(--pay-button-success, #146c2e);
    /* Borders and secondary text follow the theme's text and background (resolved on this element, after the
       theme's rules): 60% and 80% of the way to the text give 4.4:1 and 8.8:1 on the light background, 5.9:1 and
       9.6:1 on the dark one. */
    --_border: var(--pay-button-border, color-mix(in srgb, var(--_text) 60%, var(--_bg)));
    --_muted: var(--pay-button-muted, color-mix(in srgb, var(--_text) 80%, var(--_bg)));
    --_gap: var(--pay-button-spacing, 0.75rem);
    --_radius: var(--pay-button-radius, 8px);
    color-scheme: light;
    display: block;
    box-sizing: border-box;
    max-width: 28rem;
    color: var(--_text);
    background: var(--_bg);
    font-family: var(--pay-button-font, inherit);
    line-height: 1.4;
    /* A long word, SKU or order id breaks instead of pushing the element past its host. */
    overflow-wrap: anywhere;
  }
  /* The dark theme, twice: on request, and with auto when the OS is dark. Contrast on its own background: text
     15.5:1, borders 6.1:1, accent 11.3:1. */
  :host([theme='dark']) {
    --_accent: var(--pay-button-accent, #a8c7fa);
    --_on-accent: var(--pay-button-accent-text, #062e6f);
    --_bg: var(--pay-button-background, #131314);
    --_text: var(--pay-button-text, #e3e3e3);
    --_error: var(--pay-button-error, #f2b8b5);
    --_success: var(--pay-button-success, #6dd58c);
    color-scheme: dark;
  }
  @media (prefers-color-scheme: dark) {
    :host([theme='auto']) {
      --_accent: var(--pay-button-accent, #a8c7fa);
      --_on-accent: var(--pay-button-accent-text, #062e6f);
      --_bg: var(--pay-button-background, #131314);
      --_text: var(--pay-button-text, #e3e3e3);
      --_error: var(--pay-button-error, #f2b8b5);
      --_success: var(--pay-button-success, #6dd58c);
      color-scheme: dark;
    }
  }
  :host([hidden]) {
    display: none;
  }
  form,
  fieldset,
  [part='skeleton'] {
    display: grid;
    gap: var(--_gap);
  }
  fieldset {
    gap: calc(var(--_gap) / 2);
    min-width: 0;
    margin: 0;
    padding: 0;
    border: 0;
  }
  /* Five methods or more: two columns of tiles, so ten of them leave the pay button on a phone's screen. */
  .grid {
    grid-template-columns: repeat(auto-fill, minmax(min(100%, 9rem), 1fr));
  }
  legend {
    font-weight: 600;
    padding: 0;
    margin-bottom: calc(var(--_gap) / 2);
  }
  [part~='method'] {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    padding: 0.5rem 0.75rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    cursor: pointer;
  }
  /* Checked: a doubled accent border, a tint and bold text, so it does not rest on colour alone. */
  [part~='method-checked'] {
    border-color: var(--_accent);
    box-shadow: inset 0 0 0 1px var(--_accent);
    background: color-mix(in srgb, var(--_accent) 10%, transparent);
    font-weight: 600;
  }
  [part='radio'] {
    flex: none;
    margin: 0;
    accent-color: var(--_accent);
  }
  .icon {
    width: 1.25rem;
    height: 1.25rem;
    flex: none;
    border-radius: 30%;
    background: #5f6368;
  }
  .wechat {
    background: #07c160;
  }
  .alipay {
    background: #1677ff;
  }
  .qq {
    background: #12b7f5;
  }
  button,
  input,
  [part='pay-again'] {
    font: inherit;
    color: inherit;
    border-radius: var(--_radius);
  }
  [part~='preset'],
  [part='retry'],
  [part='refresh'] {
    padding: 0.375rem 0.75rem;
    border: 1px solid var(--_border);
    background: transparent;
    cursor: pointer;
  }
  /* Selected: filled, bold and ticked. */
  [part~='preset-selected'] {
    border-color: var(--_accent);
    background: var(--_accent);
    color: var(--_on-accent);
    font-weight: 600;
  }
  [part~='preset-selected']::before {
    content: '✓ ' / '';
  }
  [part='amount'] {
    box-sizing: border-box;
    width: 100%;
    padding: 0.5rem 0.75rem;
    border: 1px solid var(--_border);
    background: transparent;
  }
  [part='amount'][aria-invalid='true'] {
    border-color: var(--_error);
  }
  [part='amount-label'] {
    font-weight: 600;
    /* Sits close to its field, closer than the grid gap between controls. */
    margin-bottom: calc(var(--_gap) / -2);
  }
  [part='summary'] {
    display: flex;
    justify-content: space-between;
    gap: var(--_gap);
    margin: 0;
  }
  [part='button'],
  [part='pay-again'] {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.5rem;
    min-height: 2.75rem;
    padding: 0.5rem 1.25rem;
    box-sizing: border-box;
    border: 0;
    background: var(--_accent);
    color: var(--_on-accent);
    font-weight: 600;
    text-decoration: none;
    cursor: pointer;
  }
  :focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  [part='field-error'],
  [part='error'] {
    margin: 0;
    color: var(--_error);
  }
  [part='presets'],
  .actions,
  [part='error'],
  [part='status'] {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem;
  }
  .paid {
    color: var(--_success);
    font-size: 1.125rem;
    font-weight: 600;
  }
  /* The paid tick, for the eye only: the words say it. */
  .paid::before {
    content: '✓' / '';
    font-size: 1.5rem;
    line-height: 1;
  }
  [part='receipt'] {
    display: grid;
    gap: 0.375rem;
  }
  [part='receipt'] div {
    display: flex;
    justify-content: space-between;
    gap: var(--_gap);
  }
  dt {
    flex: none;
    color: var(--_muted);
  }
  dd {
    margin: 0;
    font-weight: 600;
    text-align: end;
  }
  .actions,
  [part='receipt'] {
    margin: var(--_gap) 0 0;
  }
  [part='skeleton'] i {
    height: 2.75rem;
    border-radius: var(--_radius);
    background: color-mix(in srgb, var(--_text) 12%, transparent);
  }
  .spinner {
    width: 1em;
    height: 1em;
    border: 2px solid currentColor;
    border-right-color: transparent;
    border-radius: 50%;
    animation: spin 0.8s linear infinite;
  }
  @media (prefers-reduced-motion: reduce) {
    .spinner {
      animation-duration: 3s;
    }
  }
  @keyframes spin {
    to {
      transform: rotate(360deg);
    }
  }
`);
