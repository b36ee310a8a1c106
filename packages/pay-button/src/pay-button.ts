/**
 * @module pay-button: the `<pay-button>` element. Reads the signer's `/api/config`, lets the visitor pick a method
 * and an amount, asks the signer for a signed checkout and posts it to the gateway in the same tab; on the return
 * page it polls the order's status.
 */
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { fenToYuan, formatAmount, parseAmount } from './amount.js';
import { emit, type PayErrorDetail } from './events.js';
import { buildPaymentForm, originOf } from './form.js';
import { errorMessage, pickLang, strings, type Lang, type Strings } from './i18n.js';
import { icon } from './icons.js';
import { styles } from './pay-button.styles.js';
import {
  SignerClient,
  SignerError,
  type CheckoutBody,
  type OrderStatus,
  type SignerConfig,
} from './signer-client.js';

const splitList = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
const fenOf = (s: string) => {
  const v = parseAmount(s);
  return typeof v === 'number' ? v : undefined;
};
const newKey = () =>
  Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');

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
 * @csspart methods - The payment method radio group (a fieldset).
 * @csspart method - One method's label (radio, icon and name).
 * @csspart icon - A method's icon.
 * @csspart presets - The group of preset amount buttons.
 * @csspart preset - One preset amount button.
 * @csspart amount - The amount text field.
 * @csspart field-error - The message explaining an invalid amount.
 * @csspart summary - The fixed amount or product line, when the amount cannot be edited.
 * @csspart button - The pay button.
 * @csspart error - The `role="alert"` error message.
 * @csspart retry - The retry button in the error message.
 * @csspart status - The order status line on the return page.
 * @csspart refresh - The refresh button shown when the status stopped polling.
 *
 * @cssprop [--pay-button-accent=#0b57d0] - Pay button background and focus ring.
 * @cssprop [--pay-button-accent-text=#fff] - Pay button text.
 * @cssprop [--pay-button-background=transparent] - Background of the element.
 * @cssprop [--pay-button-text=#1f1f1f] - Text colour.
 * @cssprop [--pay-button-border=#747775] - Borders of fields and methods.
 * @cssprop [--pay-button-error=#b3261e] - Error text.
 * @cssprop [--pay-button-success=#146c2e] - Paid status text.
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
    gateway: {},
    orderId: { attribute: 'order-id' },
    orderIdParam: { attribute: 'order-id-param' },
    timeout: { attribute: false },
    pollInterval: { attribute: false },
    pollTimeout: { attribute: false },
    config: { state: true },
    configPending: { state: true },
    method: { state: true },
    text: { state: true },
    fieldError: { state: true },
    busy: { state: true },
    error: { state: true },
    status: { state: true },
    stale: { state: true },
  };

  /** Base URL of the signer (`/api/...` is appended). */
  declare signer: string;
  /** Comma-separated bank codes to offer, e.g. `"902,903"`; default: the signer's methods. */
  declare bankCodes: string;
  /** Amount in yuan. Alone, a fixed amount; with `amounts`, the preselected default. */
  declare amount: string;
  /** Comma-separated preset amounts in yuan, e.g. `"10,50,100"`; default: the signer's presets. */
  declare amounts: string;
  /** Lowest amount in yuan; default: the signer's. */
  declare min: string;
  /** Highest amount in yuan; default: the signer's. */
  declare max: string;
  /** Product name sent to the signer with a free amount. */
  declare productName: string;
  /** Catalogue product id: the signer sets the price. */
  declare product: string;
  /** Merchant data (a cart or customer id, up to 255 characters) the gateway passes back with the payment. */
  declare attach: string;
  /** Text of the pay button; default "Pay ¥12.34" / "支付 ¥12.34". */
  declare label: string;
  /** `zh-CN` or `en`; default: the nearest `lang` up the tree, then the browser's. */
  declare lang: string;
  /** Origin the signed form may be posted to; default: the signer's configured gateway. */
  declare gateway: string;
  /** Return page: show this order's status instead of the payment controls. */
  declare orderId: string;
  /** Return page: read the order id from this query parameter of the page URL (e.g. `orderId`). */
  declare orderIdParam: string;
  /** Milliseconds before a signer call counts as timed out. */
  declare timeout: number;
  /** First delay between status polls in milliseconds; it doubles up to 30 s. */
  declare pollInterval: number;
  /** Milliseconds after which status polling stops and a refresh button is offered. */
  declare pollTimeout: number;

  declare private config: SignerConfig | undefined;
  declare private configPending: boolean;
  declare private method: string;
  declare private text: string;
  declare private fieldError: string;
  declare private busy: boolean;
  declare private error: PayErrorDetail | undefined;
  declare private status: OrderStatus | undefined;
  declare private stale: boolean;

  // Defaults are set here and the fields only declared, so no compiler setting (useDefineForClassFields) can turn
  // them into own properties that would shadow Lit's reactive accessors.
  constructor() {
    super();
    this.signer = '';
    this.bankCodes = '';
    this.amount = '';
    this.amounts = '';
    this.min = '';
    this.max = '';
    this.productName = '';
    this.product = '';
    this.attach = '';
    this.label = '';
    this.gateway = '';
    this.orderId = '';
    this.orderIdParam = '';
    this.timeout = 15000;
    this.pollInterval = 1000;
    this.pollTimeout = 120000;
    this.configPending = false;
    this.method = '';
    this.text = '';
    this.fieldError = '';
    this.busy = false;
    this.stale = false;
  }

  private retry?: () => void;
  private attemptBody?: string;
  private attemptKey = '';
  private sent?: HTMLFormElement;
  private pollToken = 0;

  // A page restored from the back-forward cache keeps the spinner of the press that left it: reset it.
  private onPageShow = (e: PageTransitionEvent) => {
    if (!e.persisted) return;
    this.busy = false;
    this.attemptBody = undefined;
    this.sent?.remove();
    if (this.returnId()) this.poll();
  };

  override connectedCallback(): void {
    super.connectedCallback();
    addEventListener('pageshow', this.onPageShow);
    if (this.hasUpdated && this.returnId()) this.poll();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    removeEventListener('pageshow', this.onPageShow);
    this.pollToken++;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('amount')) this.text = this.amount;
    // Started here, not in updated(), so the loading state they set joins this render instead of forcing another.
    if (changed.has('signer') || changed.has('orderId') || changed.has('orderIdParam')) {
      if (this.returnId()) this.poll();
      else if (this.signer) this.startConfig();
    }
  }

  protected override updated(): void {
    const id = this.returnId();
    // A plain attribute for page CSS and end-to-end tests: pay-button[state='loading'] { ... }.
    this.setAttribute(
      'state',
      id
        ? this.error
          ? 'error'
          : this.stale
            ? 'stale'
            : this.status === 'PAID'
              ? 'paid'
              : 'pending'
        : this.busy || this.configPending
          ? 'loading'
          : this.error
            ? 'error'
            : 'idle',
    );
  }

  // The property, not the attribute: render() runs before Lit reflects a property set from script.
  private language() {
    return pickLang(this, this.lang);
  }

  private returnId(): string {
    return (
      this.orderId || (this.orderIdParam && new URLSearchParams(location.search).get(this.orderIdParam)) || ''
    );
  }

  private client() {
    return new SignerClient(this.signer, this.timeout);
  }

  private async loadConfig(): Promise<SignerConfig> {
    this.configPending = true;
    this.error = undefined;
    try {
      const c = await this.client().config();
      if (!c || !Array.isArray(c.methods) || !c.amount) throw new SignerError('BAD_RESPONSE', 'bad config');
      return (this.config = c);
    } finally {
      this.configPending = false;
    }
  }

  // Loads the config for display; a failure shows an error whose retry comes back here.
  private startConfig = (): void => {
    this.loadConfig().catch((e) => this.fail(e, this.startConfig));
  };

  private fail(e: unknown, retry?: () => void) {
    const err = e instanceof SignerError ? e : new SignerError('NETWORK_ERROR', String(e));
    // The signer saw this key with another body: the next try must be a new attempt.
    if (err.code === 'IDEMPOTENCY_KEY_REUSED') this.attemptBody = undefined;
    const s = strings(this.language());
    this.error = { code: err.code, message: errorMessage(s, err.code), retryable: err.retryable };
    this.retry = retry;
    emit(this, 'pay-error', this.error);
  }

  private methods() {
    const en = this.language() === 'en';
    const known = this.config?.methods ?? [];
    const codes = this.bankCodes ? splitList(this.bankCodes) : known.map((m) => m.code);
    return codes.map((code) => {
      const m = known.find((k) => k.code === code);
      // Names come from the signer, which knows every code it offers (and the operator's own).
      return { code, name: (m && (en ? m.nameEn : m.name)) || code };
    });
  }

  private bounds(): [number, number] {
    const a = this.config?.amount;
    return [fenOf(this.min) ?? a?.minFen ?? 1, fenOf(this.max) ?? a?.maxFen ?? Number.MAX_SAFE_INTEGER];
  }

  /** The price when the visitor cannot change it: the catalogue product's or the fixed `amount`. */
  private fixedFen(): number | undefined {
    if (this.product) return this.config?.products?.find((p) => p.id === this.product)?.amountFen;
    return this.amount && !this.amounts ? fenOf(this.amount) : undefined;
  }

  private onSubmit(e: Event) {
    e.preventDefault();
    this.pay();
  }

  private async pay() {
    if (this.busy || this.configPending) return;
    const s = strings(this.language());
    const bankCode = this.currentMethod();
    const [min, max] = this.bounds();
    let amountFen = this.fixedFen() ?? null;
    let body: CheckoutBody;
    if (this.product) {
      body = { bankCode, product: this.product };
    } else {
      const v = amountFen ?? parseAmount(this.text);
      const lang = this.language();
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
    // No method because the config never loaded: pressing pay loads it again (the visitor then picks and pays).
    if (!bankCode)
      return this.signer && !this.config
        ? this.startConfig()
        : this.fail(new SignerError('BANK_CODE_NOT_OFFERED', 'no method'));
    if (!emit(this, 'pay-request', { bankCode, amountFen, product: this.product || null }, true)) return;

    this.busy = true;
    this.error = undefined;
    // One attempt = one body: retries of it reuse the key, so the signer answers with the same order.
    const sig = JSON.stringify(body);
    if (sig !== this.attemptBody) {
      this.attemptBody = sig;
      this.attemptKey = newKey();
    }
    try {
      if (!this.signer) throw new SignerError('NO_SIGNER', 'no signer');
      const gateway = this.gateway || (this.config ?? (await this.loadConfig())).gateway;
      // Refuse before creating an order when there is no gateway to post to.
      if (!originOf(gateway)) throw new SignerError('GATEWAY_NOT_ALLOWED', 'no gateway');
      const checkout = await this.client().checkout(body, this.attemptKey);
      const form = buildPaymentForm(checkout, gateway);
      // The order now exists and may reach the gateway: a later press is a new attempt.
      this.attemptBody = undefined;
      const detail = { orderId: checkout.orderId, form, statusUrl: checkout.statusUrl };
      if (!emit(this, 'pay-submit', detail, true)) {
        this.busy = false;
        return;
      }
      // Light DOM keeps the form connected (submit() needs that) and out of the rendered shadow tree.
      this.sent = form;
      this.append(form);
      // The prototype's submit, because a signed field named "submit" would shadow form.submit.
      HTMLFormElement.prototype.submit.call(form);
    } catch (e) {
      this.busy = false;
      this.fail(e, () => this.pay());
    }
  }

  private currentMethod(): string {
    const list = this.methods();
    return list.find((m) => m.code === this.method)?.code ?? list[0]?.code ?? '';
  }

  private async poll() {
    const token = ++this.pollToken;
    const id = this.returnId();
    const end = Date.now() + this.pollTimeout;
    let delay = this.pollInterval;
    this.stale = false;
    this.error = undefined;
    while (token === this.pollToken) {
      try {
        const order = await this.client().order(id);
        if (token !== this.pollToken) return;
        if (order.status !== 'PAID' && order.status !== 'NOTPAY')
          throw new SignerError('BAD_RESPONSE', 'status');
        if (order.status !== this.status) {
          this.status = order.status;
          emit(this, 'pay-status', { orderId: id, status: order.status });
        }
        if (order.status === 'PAID') return;
      } catch (e) {
        if (token !== this.pollToken) return;
        // Transient failures keep the poll going; a missing order or a refused request will not improve.
        if (!(e instanceof SignerError && e.retryable)) return this.fail(e, () => this.poll());
      }
      if (Date.now() + delay > end) {
        this.stale = true;
        return;
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 30000);
    }
  }

  protected override render() {
    const lang = this.language();
    const s = strings(lang);
    if (this.returnId()) return html`${this.renderStatus(s)}${this.renderError(s)}`;

    const method = this.currentMethod();
    const fixed = this.fixedFen();
    const typed = fixed ?? fenOf(this.text);
    const loading = this.busy || this.configPending;
    const label = this.label || (typed === undefined ? s.pay : `${s.pay} ${formatAmount(typed, lang)}`);
    return html`<form part="form" lang=${lang} novalidate @submit=${this.onSubmit}>
      <fieldset part="methods">
        <legend>${s.method}</legend>
        ${this.methods().map(
          (m) =>
            html`<label part="method"
              ><input
                type="radio"
                name="method"
                .value=${m.code}
                .checked=${m.code === method}
                @change=${() => (this.method = m.code)}
              />${icon(m.code)}<span>${m.name}</span></label
            >`,
        )}
      </fieldset>
      ${fixed !== undefined || this.product ? this.renderSummary(fixed, lang) : this.renderField(s, typed, lang)}
      ${this.fieldError ? html`<p id="amount-error" part="field-error">${this.fieldError}</p>` : nothing}
      <button part="button" type="submit" aria-busy=${loading ? 'true' : 'false'}>
        ${loading ? html`<span class="spinner" aria-hidden="true"></span>${s.busy}` : label}
      </button>
      ${this.renderError(s)}
    </form>`;
  }

  private renderSummary(fixed: number | undefined, lang: Lang) {
    const name = this.product
      ? this.config?.products?.find((p) => p.id === this.product)?.name
      : this.productName;
    return html`<p part="summary">
      ${name ? html`<span>${name}</span>` : nothing}
      ${fixed === undefined ? nothing : html`<strong>${formatAmount(fixed, lang)}</strong>`}
    </p>`;
  }

  private renderField(s: Strings, typed: number | undefined, lang: Lang) {
    const presets = this.amounts
      ? splitList(this.amounts)
          .map(fenOf)
          .filter((f) => f !== undefined)
      : (this.config?.amount.presetsFen ?? []);
    const preset = (fen: number) =>
      html`<button
        part="preset"
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
          ? html`<div part="presets" role="group" aria-label=${s.presets}>${presets.map(preset)}</div>`
          : nothing
      }
      <label for="amount">${s.amount}</label>
      <input
        id="amount"
        part="amount"
        inputmode="decimal"
        autocomplete="off"
        .value=${this.text}
        aria-invalid=${this.fieldError ? 'true' : 'false'}
        aria-describedby=${this.fieldError ? 'amount-error' : nothing}
        @input=${(e: InputEvent) => {
          this.text = (e.target as HTMLInputElement).value;
          this.fieldError = '';
        }}
      />`;
  }

  private renderStatus(s: Strings) {
    const paid = this.status === 'PAID';
    return html`<div part="status" class=${paid ? 'paid' : ''} role="status" lang=${this.language()}>
      ${paid ? s.paid : this.stale ? s.stale : s.pending}
      ${
        this.stale && !paid
          ? html`<button part="refresh" type="button" @click=${() => this.poll()}>${s.refresh}</button>`
          : nothing
      }
    </div>`;
  }

  private renderError(s: Strings) {
    const err = this.error;
    if (!err) return nothing;
    return html`<div part="error" role="alert">
      <span>${err.message}</span>
      ${
        err.retryable
          ? html`<button part="retry" type="button" @click=${() => this.retry?.()}>${s.retry}</button>`
          : nothing
      }
    </div>`;
  }
}
