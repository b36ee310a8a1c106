/**
 * @module cli/request
 * `jupay request`: a signed payment form as JSON, or as an HTML page whose form a browser can submit.
 */
import { parseArgs } from 'node:util';
import { newOrderId } from '../order-id.ts';
import { createPaymentRequest } from '../payment-request.ts';
import { readDialect, readKey, required } from './args.ts';
import type { CommandResult } from './command.ts';

const HELP = `usage: jupay request --member-id ID --bank-code CODE --amount YUAN --notify-url URL --callback-url URL
                    --product-name NAME [--gateway URL] [--order-id ID] [--attach TEXT] [--dialect legacy] [--html]
                    [--key-file PATH]
Prints the signed payment form. --gateway is the payment URL (default http://127.0.0.1:4100/Pay_Index.html,
the local gateway simulator); --order-id defaults to a new id; --dialect legacy signs for a 2016-17 gateway.`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * @example
 * await requestCommand(['--member-id', '10002', '--bank-code', '903', ...], env);
 */
export function requestCommand(argv: string[], env: NodeJS.ProcessEnv): CommandResult {
  const { values } = parseArgs({
    args: argv,
    options: {
      'member-id': { type: 'string' },
      'bank-code': { type: 'string' },
      amount: { type: 'string' },
      'notify-url': { type: 'string' },
      'callback-url': { type: 'string' },
      'product-name': { type: 'string' },
      gateway: { type: 'string' },
      'order-id': { type: 'string' },
      attach: { type: 'string' },
      dialect: { type: 'string' },
      html: { type: 'boolean' },
      'key-file': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return { output: HELP, exitCode: 0 };
  const request = createPaymentRequest(
    {
      paymentUrl: values.gateway ?? 'http://127.0.0.1:4100/Pay_Index.html',
      orderId: values['order-id'] ?? newOrderId(),
      amount: required(values, 'amount'),
      bankCode: required(values, 'bank-code'),
      notifyUrl: required(values, 'notify-url'),
      callbackUrl: required(values, 'callback-url'),
      productName: required(values, 'product-name'),
      ...(values.attach ? { attach: values.attach } : {}),
    },
    { memberId: required(values, 'member-id'), key: readKey(values, env) },
    { dialect: readDialect(values) },
  );
  if (!values.html) return { output: JSON.stringify(request, null, 2), exitCode: 0 };
  const inputs = Object.entries(request.fields)
    .map(
      ([name, value]) => `    <input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`,
    )
    .join('\n');
  const html = `<!doctype html>
<meta charset="utf-8">
<title>jupay payment request</title>
<form method="post" action="${escapeHtml(request.action)}">
${inputs}
    <button type="submit">Pay ${escapeHtml(request.fields.pay_amount!)}</button>
</form>`;
  return { output: html, exitCode: 0 };
}
