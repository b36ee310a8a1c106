/**
 * @module cli/notify
 * `jupay notify`: sends a signed notification to a merchant endpoint exactly as the gateway does (POST, body built
 * by hand without URL-encoding, four-decimal amount, China-time `datetime`), and prints the reply.
 */
import { parseArgs } from 'node:util';
import { formatChinaCompact } from '../china-time.ts';
import { normalizeMemberId } from '../credentials.ts';
import { formatYuan, parseYuan } from '../money.ts';
import {
  LEGACY_NOTIFICATION_SIGNED_FIELDS,
  NOTIFICATION_SIGNED_FIELDS,
  sign,
  type Fields,
} from '../signature.ts';
import { readDialect, readKey, required } from './args.ts';
import { postForm } from './post-form.ts';
import type { CommandResult } from './command.ts';

const HELP = `usage: jupay notify --url NOTIFY_URL --member-id ID --order-id ID --amount YUAN
                   [--transaction-id ID] [--attach TEXT] [--dialect legacy] [--key-file PATH]
Sends one signed success notification to NOTIFY_URL and prints the HTTP status and the reply body.
A reply counts as received when it contains "ok" in any case, as on deployed gateways.`;

/**
 * The gateway's body: `name=value` joined with `&`, values not URL-encoded (docs/protocol.md#notification).
 *
 * @example
 * handBuiltBody({ amount: '1.0000', orderid: 'E1' }); // 'amount=1.0000&orderid=E1'
 */
export function handBuiltBody(fields: Fields): string {
  return Object.entries(fields)
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/**
 * @example
 * await notifyCommand(['--url', 'http://127.0.0.1:4200/api/notify', '--member-id', '10002', '--order-id', id, '--amount', '12.34'], env);
 */
export async function notifyCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<CommandResult> {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string' },
      'member-id': { type: 'string' },
      'order-id': { type: 'string' },
      amount: { type: 'string' },
      'transaction-id': { type: 'string' },
      attach: { type: 'string' },
      dialect: { type: 'string' },
      'key-file': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return { output: HELP, exitCode: 0 };
  const url = required(values, 'url');
  const dialect = readDialect(values);
  const legacy = dialect === 'legacy';
  const key = readKey(values, env);
  const now = new Date();
  const fields: Fields = {
    memberid: normalizeMemberId(required(values, 'member-id')),
    orderid: required(values, 'order-id'),
    transaction_id:
      values['transaction-id'] ?? `${formatChinaCompact(now)}${String(now.getTime() % 1e6).padStart(6, '0')}`,
    amount: formatYuan(parseYuan(required(values, 'amount')), 4),
    datetime: formatChinaCompact(now),
    returncode: '00',
  };
  const signedFields = legacy ? LEGACY_NOTIFICATION_SIGNED_FIELDS : NOTIFICATION_SIGNED_FIELDS;
  fields.sign = sign(fields, key, { signedFields, dialect });
  fields.attach = values.attach ? encodeURIComponent(values.attach) : '';
  const body = handBuiltBody(fields);
  // The gateway waits 10 s for the reply.
  const { status, text: reply } = await postForm(url, body, 10_000);
  const received = /ok/i.test(reply);
  const output = [
    `sent: ${body.replace(/sign=[0-9A-F]{32}/, 'sign=<32 hex>')}`,
    `reply: HTTP ${status} ${JSON.stringify(reply.slice(0, 200))}`,
    received
      ? 'received: the reply contains "ok"'
      : 'not received: the reply does not contain "ok" (the gateway would re-send)',
  ].join('\n');
  return { output, exitCode: received ? 0 : 1 };
}
