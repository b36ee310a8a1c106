/**
 * @module pay-button.styles: the element's styles. Adopted stylesheets only (no inline `style` attributes), so a
 * `style-src 'self'` policy allows them; light and dark through `prefers-color-scheme`.
 */
import { css } from 'lit';

/**
 * The styles of `<pay-button>`, every colour, radius, font and gap overridable with a `--pay-button-*` property.
 *
 * @example
 * class MyButton extends LitElement { static override styles = [styles, css`:host { display: inline-block; }`]; }
 */
export const styles = css`
  :host {
    --_accent: var(--pay-button-accent, #0b57d0);
    --_on-accent: var(--pay-button-accent-text, #fff);
    --_text: var(--pay-button-text, #1f1f1f);
    --_border: var(--pay-button-border, #747775);
    --_error: var(--pay-button-error, #b3261e);
    --_success: var(--pay-button-success, #146c2e);
    --_gap: var(--pay-button-spacing, 0.75rem);
    --_radius: var(--pay-button-radius, 8px);
    display: block;
    max-width: 28rem;
    color: var(--_text);
    background: var(--pay-button-background, transparent);
    font-family: var(--pay-button-font, inherit);
    line-height: 1.4;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --_accent: var(--pay-button-accent, #a8c7fa);
      --_on-accent: var(--pay-button-accent-text, #062e6f);
      --_text: var(--pay-button-text, #e3e3e3);
      --_border: var(--pay-button-border, #8e918f);
      --_error: var(--pay-button-error, #f2b8b5);
      --_success: var(--pay-button-success, #6dd58c);
    }
  }
  :host([hidden]) {
    display: none;
  }
  form {
    display: grid;
    gap: var(--_gap);
  }
  fieldset {
    display: grid;
    gap: calc(var(--_gap) / 2);
    margin: 0;
    padding: 0;
    border: 0;
  }
  legend {
    font-weight: 600;
    padding: 0;
    margin-bottom: calc(var(--_gap) / 2);
  }
  [part='method'] {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    padding: 0.5rem 0.75rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    cursor: pointer;
  }
  [part='method']:has(:checked) {
    border-color: var(--_accent);
  }
  input[type='radio'] {
    margin: 0;
    accent-color: var(--_accent);
  }
  .icon {
    width: 1.5rem;
    height: 1.5rem;
    flex: none;
    color: #5f6368;
  }
  .wechat {
    color: #07c160;
  }
  .alipay {
    color: #1677ff;
  }
  .qq {
    color: #12b7f5;
  }
  [part='presets'] {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
  }
  button,
  input {
    font: inherit;
    color: inherit;
    border-radius: var(--_radius);
  }
  [part='preset'],
  [part='retry'],
  [part='refresh'] {
    padding: 0.375rem 0.75rem;
    border: 1px solid var(--_border);
    background: transparent;
    cursor: pointer;
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
  label[for] {
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
  [part='button'] {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.5rem;
    min-height: 2.75rem;
    padding: 0.5rem 1.25rem;
    border: 0;
    background: var(--_accent);
    color: var(--_on-accent);
    font-weight: 600;
    cursor: pointer;
  }
  [part='button'][aria-busy='true'] {
    cursor: progress;
    opacity: 0.85;
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
  [part='error'],
  [part='status'] {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem;
  }
  .paid {
    color: var(--_success);
    font-weight: 600;
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
`;
