/**
 * @module pay-button: the `<pay-button>` element. Reads the signer's `/api/config`, lets the visitor pick a method
 * and an amount, asks the signer for a signed checkout and posts it to the gateway in the same tab; on the return
 * page it follows the order's status and shows a receipt once it is paid.
 */
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { fenToYuan, formatAmount, parseAmount } from './amount.ts';
import { emit, type PayErrorDetail } from './events.ts';
import { buildPaymentForm, originOf } from './form.ts';
import { errorMessage, pickLang, strings, type Lang, type Strings } from './i18n.ts';
import { icon } from './icons.ts';
import { styles } from './pay-button.styles.ts';
import {
  SignerClient,
  SignerError,
  type CheckoutBody,
  type Order,
  type SignerConfig,
} from './signer-client.ts';

const splitList = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
const fenOf = (s?: string) => {
  const v = parseAmount(s ?? '');
  return typeof v === 'number' ? v : undefined;
};
// 128 random bits as four decimal numbers: printable ASCII, as the signer's Idempotency-Key must be.
const newKey = () => crypto.getRandomValues(new Uint32Array(4)).join('-');
const param = (name: string) => new URLSearchParams(location.search).get(name);

/**
 * A drop-in checkout button. With only `signer` set it configures itself from `GET <signer>/api/config`; the
 * other attributes override that configuration.
 *
 * @example
 * <script type="module" src="https://pay.merchant.com/pay-button.js"></script>
 * <pay-button signer="https://pay.merchant.com" amounts="10,50,100" lang="zh-CN"></pay-button>
 *
 * @fires pay-request - Cancelable. Before the signer is called: `{ bankCode, amountFen, product }`.
 * @fires pay-submit - Cancelable. With the signed form, before it is posted: `{ orderId, form, statusUrl }`.
 * @fires pay-error - A failure: `{ code, message, retryable }`.
 * @fires pay-status - On the return page, when the order's status is known or changes: `{ orderId, status }`.
 *
 * @csspart form - The wrapper of the payment controls.
 * @csspart skeleton - The placeholder (a busy group) shown while the signer's configuration loads.
 * @csspart methods - The payment method radio group (a fieldset); a two-column grid from five methods on.
 * @csspart legend - The "Payment method" heading of the group.
 * @csspart method - One method's label (radio, icon and name).
 * @csspart method-checked - Also on the checked method's label.
 * @csspart radio - A method's radio button.
 * @csspart icon - A method's mark, a chip in its family's colour.
 * @csspart presets - The group of preset amount buttons.
 * @csspart preset - One preset amount button.
 * @csspart preset-selected - Also on the preset button of the amount in the field.
 * @csspart amount-label - The label of the amount field.
 * @csspart amount - The amount text field.
 * @csspart field-error - The message explaining an invalid amount.
 * @csspart summary - The fixed amount or product line, when the amount cannot be edited.
 * @csspart button - The pay button.
 * @csspart error - The `role="alert"` error message.
 * @csspart retry - The retry button in the error message.
 * @csspart status - The one status message on the return page (waiting, paid, not paid, no order).
 * @csspart receipt - The paid order's details: amount, method, order id, time.
 * @csspart refresh - The "check again" button shown with "not paid".
 * @csspart pay-again - The link back to the shop shown with "not paid" and "no order".
 *
 * @cssprop [--pay-button-accent=#0b57d0] - Pay button, selected preset, checked method, links and focus ring.
 * @cssprop [--pay-button-accent-text=#fff] - Text on the accent colour.
 * @cssprop [--pay-button-background=#fff] - Background of the element.
 * @cssprop [--pay-button-text=#1f1f1f] - Text colour.
 * @cssprop [--pay-button-muted=color-mix(in srgb, var(--_text) 80%, var(--_bg))] - Secondary text (the receipt's
 *   labels); by default 80% of the way from the theme's background to its text.
 * @cssprop [--pay-button-border=color-mix(in srgb, var(--_text) 60%, var(--_bg))] - Borders of fields, methods and
 *   presets; by default 60% of the way from the theme's background to its text.
 * @cssprop [--pay-button-error=#b3261e] - Error text.
 * @cssprop [--pay-button-success=#146c2e] - The paid status.
 * @cssprop [--pay-button-radius=8px] - Corner radius.
 * @cssprop [--pay-button-font=inherit] - Font family.
 * @cssprop [--pay-button-spacing=0.75rem] - Gap between controls.
 */
export class PayButton extends LitElement {
  static override styles = styles;

  // Declared here rather than with decorators: the same behaviour, about 450 B less gzip in the bundle.
  static override properties = {
    signer: {},
    bankCodes: { attribute: 'bank-codes' },
    amount: {},
    amounts: {},
    min: {},
    max: {},
    productName: { attribute: 'product-name' },
    product: {},
    attach: {},
    label: {},
    lang: { reflect: true },
    theme: { reflect: true },
    gateway: {},
    orderId: { attribute: 'order-id' },
    orderIdParam: { attribute: 'order-id-param' },
    shopUrl: { attribute: 'shop-url' },
    config: { state: true },
    configPending: { state: true },
    method: { state: true },
    text: { state: true },
    fieldError: { state: true },
    busy: { state: true },
    error: { state: true },
    order: { state: true },
    unpaid: { state: true },
  };

  /** Base URL of the signer (`/api/...` is appended). */
  declare signer?: string;
  /** Comma-separated bank codes to offer, e.g. `"902,903"`; default: the signer's methods. */
  declare bankCodes?: string;
  /** Amount in yuan. Alone, a fixed amount; with `amounts`, the preselected default. */
  declare amount?: string;
  /** Comma-separated preset amounts in yuan, e.g. `"10,50,100"`; default: the signer's presets. */
  declare amounts?: string;
  /** Lowest amount in yuan; default: the signer's. */
  declare min?: string;
  /** Highest amount in yuan; default: the signer's. */
  declare max?: string;
  /** Product name sent to the signer with a free amount; the signer accepts at most 100 characters. */
  declare productName?: string;
  /** Catalogue product id: the signer sets the price. */
  declare product?: string;
  /** Merchant data (a cart or customer id, up to 255 characters) the gateway passes back with the payment. */
  declare attach?: string;
  /** Text of the pay button; default "Pay ¥12.34" / "支付 ¥12.34" (the amount only while it is valid). */
  declare label?: string;
  /**
   * `zh-CN`, `zh-TW` or `en`; default: the return page URL's `lang` parameter (with `order-id-param`), then the
   * nearest `lang` up the tree, then the browser's.
   */
  declare lang: string;
  /** `light` (the default, whatever the OS says), `dark`, or `auto` (follows `prefers-color-scheme`). */
  declare theme: 'light' | 'dark' | 'auto' | undefined;
  /** Origin the signed form may be posted to; default: the signer's configured gateway. */
  declare gateway?: string;
  /** Return page: show this order's status instead of the payment controls. */
  declare orderId?: string;
  /** Return page: read the order id from this query parameter of the page URL (e.g. `orderId`). */
  declare orderIdParam?: string;
  /** Return page: where "Pay again" leads (your shop page); default `/`. */
  declare shopUrl?: string;
  /** Milliseconds before a signer call counts as timed out (read at each call, so not reactive). */
  timeout = 15000;
  /** First delay between status polls in milliseconds; it doubles up to 30 s. */
  pollInterval = 1000;
  /** Milliseconds after which an unpaid order is shown as not paid and polling stops. */
  pollTimeout = 120000;

  declare private config: SignerConfig | undefined;
  declare private configPending?: boolean;
  declare private method?: string;
  declare private text: string;
  declare private fieldError?: string;
  declare private busy?: boolean;
  declare private error?: PayErrorDetail;
  declare private order?: Order;
  declare private unpaid?: boolean;

  // Reactive properties are only declared (no field initialisers: under useDefineForClassFields those would become
  // own properties shadowing Lit's accessors). The attributes' properties start undefined, read as "not set"; the
  // one default a template needs is set here.
  constructor() {
    super();
    this.text = '';
  }

  // #private members: the minifier shortens their names, which it cannot do for ordinary ones.
  #retry?: () => void;
  #attemptBody?: string;
  #attemptKey = '';
  #sent?: HTMLFormElement;
  #pollToken = 0;

  // A page restored from the back-forward cache keeps the spinner of the press that left it: reset it.
  #onPageShow = (e: PageTransitionEvent) => {
    if (!e.persisted) return;
    this.busy = false;
    this.#attemptBody = undefined;
    this.#sent?.remove();
    if (this.#returnId()) void this.#poll();
  };

  override connectedCallback(): void {
    super.connectedCallback();
    addEventListener('pageshow', this.#onPageShow);
    if (this.hasUpdated && this.#returnId()) void this.#poll();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    removeEventListener('pageshow', this.#onPageShow);
    this.#pollToken++;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('amount')) this.text = this.amount ?? '';
    // For the merchant: the shopper would only see the signer's FIELD_TOO_LONG (pay_productname, at most 100
    // characters) on every press.
    if (changed.has('productName') && (this.productName ?? '').length > 100) {
      console.warn("<pay-button> product-name: over the signer's limit of 100 characters");
    }
    // Started here, not in updated(), so the loading state they set joins this render instead of forcing another.
    if (changed.has('signer') || changed.has('orderId') || changed.has('orderIdParam')) {
      if (this.#returnId()) {
        void this.#poll();
        // Only for the receipt's method name: a failure leaves the bank code in its place, quietly.
        if (!this.config) this.#loadConfig().catch(() => {});
      } else if (this.signer && !this.#returnPage()) this.#startConfig();
    }
  }

  protected override updated(): void {
    // A plain attribute for page CSS and end-to-end tests: pay-button[state='loading'] { ... }.
    this.setAttribute(
      'state',
      this.#returnPage()
        ? this.error || !this.#returnId()
          ? 'error'
          : this.order?.status === 'PAID'
            ? 'paid'
            : this.unpaid
              ? 'unpaid'
              : 'pending'
        : this.busy || this.configPending
          ? 'loading'
          : this.error
            ? 'error'
            : 'idle',
    );
  }

  // The property, not the attribute: render() runs before Lit reflects a property set from script.
  #language(): Lang {
    return pickLang(this, this.lang || (this.orderIdParam && param('lang')) || '');
  }

  #returnPage(): boolean {
    return !!(this.orderId || this.orderIdParam);
  }

  #returnId(): string {
    return this.orderId || (this.orderIdParam && param(this.orderIdParam)) || '';
  }

  #client() {
    return new SignerClient(this.signer ?? '', this.timeout);
  }

  async #loadConfig(): Promise<SignerConfig> {
    this.configPending = true;
    this.error = undefined;
    try {
      const c = await this.#client().config();
      if (!c || !Array.isArray(c.methods) || !c.amount) throw new SignerError('BAD_RESPONSE');
      return (this.config = c);
    } finally {
      this.configPending = false;
    }
  }

  // Loads the config for display; a failure shows an error whose retry comes back here.
  #startConfig = (): void => {
    this.#loadConfig().catch((e) => this.#fail(e, this.#startConfig));
  };

  #fail(e: unknown, retry?: () => void) {
    const err = e instanceof SignerError ? e : new SignerError('NETWORK_ERROR', String(e));
    // The signer saw this key with another body: the next try must be a new attempt.
    if (err.code === 'IDEMPOTENCY_KEY_REUSED') this.#attemptBody = undefined;
    const s = strings(this.#language());
    this.error = { code: err.code, message: errorMessage(s, err.code), retryable: err.retryable };
    this.#retry = retry;
    emit(this, 'pay-error', this.error);
  }

  /** A method's name from the signer, in the element's language (Chinese for both Chinese ones), else its code. */
  #nameOf(code: string): string {
    const m = this.config?.methods.find((k) => k.code === code);
    return (m && (this.#language() === 'en' ? m.nameEn : m.name)) || code;
  }

  #methods(): string[] {
    return this.bankCodes ? splitList(this.bankCodes) : (this.config?.methods.map((m) => m.code) ?? []);
  }

  #bounds(): [number, number] {
    const a = this.config?.amount;
    return [fenOf(this.min) ?? a?.minFen ?? 1, fenOf(this.max) ?? a?.maxFen ?? Number.MAX_SAFE_INTEGER];
  }

  /** The catalogue product named by `product`, once the config is known. */
  #product() {
    return this.config?.products?.find((p) => p.id === this.product);
  }

  /** The price when the visitor cannot change it: the catalogue product's or the fixed `amount`. */
  #fixedFen(): number | undefined {
    if (this.product) return this.#product()?.amountFen;
    return this.amount && !this.amounts ? fenOf(this.amount) : undefined;
  }

  #currentMethod(): string {
    const list = this.#methods();
    return list.find((code) => code === this.method) ?? list[0] ?? '';
  }

  async #pay() {
    if (this.busy || this.configPending) return;
    const lang = this.#language();
    const s = strings(lang);
    const bankCode = this.#currentMethod();
    const [min, max] = this.#bounds();
    let amountFen = this.#fixedFen() ?? null;
    let body: CheckoutBody;
    if (this.product) {
      body = { bankCode, product: this.product };
    } else {
      const v = amountFen ?? parseAmount(this.text);
      this.fieldError =
        typeof v === 'string'
          ? s[v]
          : v < min
            ? s.min + formatAmount(min, lang) + s.end
            : v > max
              ? s.max + formatAmount(max, lang) + s.end
              : '';
      if (typeof v === 'string' || this.fieldError) {
        await this.updateComplete;
        this.renderRoot.querySelector<HTMLElement>('#amount')?.focus();
        return;
      }
      amountFen = v;
      body = { bankCode, amount: fenToYuan(v), ...(this.productName && { productName: this.productName }) };
    }
    if (this.attach) body.attach = this.attach;
    // The signer sends the shopper back (return page, cancel link) in this language; and since this element reports
    // posting the form (below), the signer asks the gateway about an order that never got there only briefly.
    body.lang = lang;
    body.beacon = '1';
    if (!bankCode) return this.#fail(new SignerError('BANK_CODE_NOT_OFFERED'));
    if (!emit(this, 'pay-request', { bankCode, amountFen, product: this.product || null }, true)) return;

    this.busy = true;
    this.error = undefined;
    // One attempt = one body: retries of it reuse the key, so the signer answers with the same order.
    const sig = JSON.stringify(body);
    if (sig !== this.#attemptBody) {
      this.#attemptBody = sig;
      this.#attemptKey = newKey();
    }
    try {
      if (!this.signer) throw new SignerError('NO_SIGNER');
      const gateway = this.gateway || this.config?.gateway || '';
      // Refuse before creating an order when there is no gateway to post to.
      if (!originOf(gateway)) throw new SignerError('GATEWAY_NOT_ALLOWED');
      const checkout = await this.#client().checkout(body, this.#attemptKey);
      const form = buildPaymentForm(checkout, gateway);
      // The order now exists and may reach the gateway: a later press is a new attempt.
      this.#attemptBody = undefined;
      const detail = { orderId: checkout.orderId, form, statusUrl: checkout.statusUrl };
      if (!emit(this, 'pay-submit', detail, true)) {
        this.busy = false;
        return;
      }
      // Light DOM keeps the form connected (submit() needs that) and out of the rendered shadow tree.
      this.#sent = form;
      this.append(form);
      // Just before the POST, never awaited: the shopper's navigation does not wait for it.
      this.#client().submitted(checkout.orderId);
      // The prototype's submit, because a signed field named "submit" would shadow form.submit.
      HTMLFormElement.prototype.submit.call(form);
    } catch (e) {
      this.busy = false;
      this.#fail(e, () => void this.#pay());
    }
  }

  async #poll() {
    const token = ++this.#pollToken;
    const id = this.#returnId();
    const end = Date.now() + this.pollTimeout;
    let delay = this.pollInterval;
    // The checkedAt of the first answer: a different one later means the gateway was asked (and said NOTPAY)
    // while the shopper is here. Compared as given, never with this browser's clock.
    let first: string | null | undefined;
    this.error = undefined;
    while (token === this.#pollToken) {
      try {
        const order = await this.#client().order(id);
        if (token !== this.#pollToken) return;
        if (order.status !== 'PAID' && order.status !== 'NOTPAY') throw new SignerError('BAD_RESPONSE');
        if (order.status !== this.order?.status)
          emit(this, 'pay-status', { orderId: id, status: order.status });
        this.order = order;
        if (order.status === 'PAID') return;
        const checked = order.checkedAt ?? null;
        if (first === undefined) first = checked;
        else if (checked && checked !== first) this.unpaid = true;
      } catch (e) {
        if (token !== this.#pollToken) return;
        // Transient failures keep the poll going; a missing order or a refused request will not improve.
        if (!(e instanceof SignerError && e.retryable)) return this.#fail(e, () => void this.#poll());
      }
      if (Date.now() + delay > end) {
        // Still unpaid when the time is up: say so, rather than wait for ever.
        this.unpaid = true;
        return;
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 30000);
    }
  }

  protected override render() {
    const lang = this.#language();
    const s = strings(lang);
    if (this.#returnPage()) return this.#renderReturn(s, lang);
    // Before the signer's methods are known there is nothing true to show: a placeholder, or only the failure.
    if (this.signer && !this.config)
      return this.error
        ? this.#renderError(s)
        : // Where the methods will be: a busy group under their heading's name, until they are known.
          html`<div part="skeleton" role="group" aria-label=${s.method} aria-busy="true">
            <i></i><i></i><i></i>
          </div>`;

    const method = this.#currentMethod();
    const methods = this.#methods();
    const fixed = this.#fixedFen();
    const typed = fixed ?? fenOf(this.text);
    const [min, max] = this.#bounds();
    const label =
      this.label ||
      // The amount only when it is one the pay button would accept.
      (typed !== undefined && typed >= min && typed <= max ? `${s.pay} ${formatAmount(typed, lang)}` : s.pay);
    return html`<form
      part="form"
      lang=${lang}
      novalidate
      @submit=${(e: Event) => {
        e.preventDefault();
        void this.#pay();
      }}
    >
      <fieldset part="methods" class=${methods.length > 4 ? 'grid' : ''}>
        <legend part="legend">${s.method}</legend>
        ${methods.map(
          (code) =>
            html`<label part=${code === method ? 'method method-checked' : 'method'}
              ><input
                part="radio"
                type="radio"
                name="method"
                .value=${code}
                .checked=${code === method}
                @change=${() => (this.method = code)}
              />${icon(code)}<span>${this.#nameOf(code)}</span></label
            >`,
        )}
      </fieldset>
      ${fixed !== undefined || this.product ? this.#renderSummary(fixed, lang) : this.#renderField(s, typed, lang)}
      ${this.fieldError ? html`<p id="amount-error" part="field-error">${this.fieldError}</p>` : nothing}
      <button part="button" type="submit" aria-busy=${!!this.busy}>
        ${this.busy ? html`<span class="spinner" aria-hidden="true"></span>${s.busy}` : label}
      </button>
      ${this.#renderError(s)}
    </form>`;
  }

  #renderSummary(fixed: number | undefined, lang: Lang) {
    const name = this.product ? this.#product()?.name : this.productName;
    return html`<p part="summary">
      ${name ? html`<span>${name}</span>` : nothing}
      ${fixed === undefined ? nothing : html`<strong>${formatAmount(fixed, lang)}</strong>`}
    </p>`;
  }

  #renderField(s: Strings, typed: number | undefined, lang: Lang) {
    const presets = this.amounts
      ? splitList(this.amounts)
          .map(fenOf)
          .filter((f) => f !== undefined)
      : (this.config?.amount.presetsFen ?? []);
    const preset = (fen: number) =>
      html`<button
        part=${typed === fen ? 'preset preset-selected' : 'preset'}
        type="button"
        aria-pressed=${typed === fen}
        @click=${() => {
          this.text = fenToYuan(fen);
          this.fieldError = '';
        }}
      >
        ${formatAmount(fen, lang)}
      </button>`;
    return html`${
        presets.length
          ? // Named like the field they fill in.
            html`<div part="presets" role="group" aria-label=${s.amount}>${presets.map(preset)}</div>`
          : nothing
      }
      <label part="amount-label" for="amount">${s.amount}</label>
      <input
        id="amount"
        part="amount"
        inputmode="decimal"
        autocomplete="off"
        .value=${this.text}
        aria-invalid=${!!this.fieldError}
        aria-describedby=${this.fieldError ? 'amount-error' : nothing}
        @input=${(e: InputEvent) => {
          this.text = (e.target as HTMLInputElement).value;
          this.fieldError = '';
        }}
      />`;
  }

  /** The return page: exactly one message (or one error), with the receipt when paid. */
  #renderReturn(s: Strings, lang: Lang) {
    if (this.error) return this.#renderError(s);
    const id = this.#returnId();
    const o = this.order;
    const paid = o?.status === 'PAID';
    const again = html`<a part="pay-again" href=${this.shopUrl || '/'}>${s.again}</a>`;
    return html`<div part="status" role="status" lang=${lang} class=${paid ? 'paid' : ''}>
        ${
          !id
            ? s.errors.ORDER_NOT_FOUND
            : paid
              ? s.paid
              : this.unpaid
                ? s.unpaid
                : html`<span class="spinner" aria-hidden="true"></span>${s.pending}`
        }
      </div>
      ${
        paid
          ? html`<dl part="receipt" lang=${lang}>
              ${[
                [s.amount, formatAmount(o.amountFen, lang)],
                [s.method, this.#nameOf(o.bankCode)],
                [s.order, o.orderId],
                // A paid order always has its time: the signer sets it with the paid status.
                [
                  s.paidAt,
                  new Date(o.paidAt!).toLocaleString(lang, { dateStyle: 'medium', timeStyle: 'short' }),
                ],
              ].map(
                ([k, v]) =>
                  html`<div>
                    <dt>${k}</dt>
                    <dd>${v}</dd>
                  </div>`,
              )}
            </dl>`
          : !id
            ? html`<p class="actions">${again}</p>`
            : this.unpaid
              ? html`<p class="actions">
                  ${again}
                  <button part="refresh" type="button" @click=${() => this.#poll()}>${s.refresh}</button>
                </p>`
              : nothing
      }`;
  }

  #renderError(s: Strings) {
    const err = this.error;
    if (!err) return nothing;
    return html`<div part="error" role="alert">
      <span>${err.message}</span>
      ${
        err.retryable
          ? html`<button part="retry" type="button" @click=${() => this.#retry?.()}>${s.retry}</button>`
          : nothing
      }
    </div>`;
  }
}
