/**
 * @module form: turns the signer's checkout answer into a `<form method="post">` with DOM APIs only (never
 * `innerHTML` from the network), refusing an action whose origin is not the configured gateway's.
 */
import { SignerError, type Checkout } from './signer-client.ts';

/**
 * The origin of a URL, or `''` when it is not an absolute http(s) URL.
 *
 * @example
 * originOf('https://gw.example.com/Pay_Index.html'); // 'https://gw.example.com'
 */
export function originOf(url: string): string {
  try {
    const u = new URL(url);
    return /^https?:$/.test(u.protocol) ? u.origin : '';
  } catch {
    return '';
  }
}

/**
 * Builds the hidden form that carries the signed fields to the gateway. Throws a `GATEWAY_NOT_ALLOWED`
 * {@link SignerError} when the action's origin differs from `gateway`'s (or either is not an http(s) URL), and
 * `BAD_RESPONSE` when the answer is not a POST with string fields.
 *
 * @example
 * const form = buildPaymentForm(checkout, 'https://gw.example.com');
 * document.body.append(form);
 * HTMLFormElement.prototype.submit.call(form);
 */
export function buildPaymentForm(checkout: Checkout, gateway: string): HTMLFormElement {
  const { action, method, fields } = checkout;
  if (
    typeof action !== 'string' ||
    String(method).toUpperCase() !== 'POST' ||
    !fields ||
    typeof fields !== 'object'
  ) {
    throw new SignerError('BAD_RESPONSE');
  }
  const origin = originOf(action);
  if (!origin || origin !== originOf(gateway)) {
    throw new SignerError('GATEWAY_NOT_ALLOWED', `form action ${origin || action} is not the gateway`);
  }
  const form = document.createElement('form');
  // setAttribute, not form.action = ...: a signed field named "action" or "method" would shadow the property.
  form.setAttribute('method', 'post');
  form.setAttribute('action', action);
  form.setAttribute('accept-charset', 'UTF-8');
  form.hidden = true;
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value !== 'string') throw new SignerError('BAD_RESPONSE');
    const input = document.createElement('input');
    input.type = 'hidden';
    input.name = name;
    input.value = value;
    form.append(input);
  }
  return form;
}
