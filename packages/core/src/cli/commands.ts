/**
 * @module cli/commands
 * Dispatches `jupay <command>` and implements the offline commands: `sign`, `canonical`, `verify`.
 */
import { parseArgs } from 'node:util';
import { canonicalize, sign, verify, type Dialect } from '../signature.ts';
import { parsePairs, readKey, refuseKeyArgument, required, UsageError } from './args.ts';
import { requestCommand } from './request.ts';
import { queryCommand } from './query.ts';
import { notifyCommand } from './notify.ts';

/** What a command prints on stdout and the process exit code. */
export interface CommandResult {
  output: string;
  exitCode: number;
}

export const USAGE = `jupay: the 聚合支付 gateway protocol from a shell

usage: jupay <command> [options] [name=value ...]

commands:
  sign [--dialect legacy] [--fields a,b,...] name=value ...    print the signature (MD5, upper case)
  canonical [--dialect legacy] [--fields a,b,...] name=value ... print the hashed string, key shown as key=***
  verify --sign SIG [--dialect legacy] [--fields ...] name=value ...  exit 0 when valid, 1 when not
  request --member-id ID --bank-code CODE --amount YUAN --notify-url URL --callback-url URL
          --product-name NAME [--gateway URL] [--order-id ID] [--attach TEXT] [--html]
                                                               print the signed payment form (JSON or HTML)
  query --url QUERY_URL --member-id ID --order-id ID           query a gateway, print the parsed answer
  notify --url NOTIFY_URL --member-id ID --order-id ID --amount YUAN [--transaction-id ID] [--attach TEXT]
         [--dialect legacy]                                    send a signed test notification, print the reply

The key comes from the JUPAY_KEY environment variable or --key-file PATH, never from an argument.
Run "jupay <command> --help" for one command.`;

const SIGNING_OPTIONS = {
  dialect: { type: 'string' },
  fields: { type: 'string' },
  'key-file': { type: 'string' },
  sign: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function dialectOf(value: string | undefined): Dialect {
  if (value === undefined || value === 'standard') return 'standard';
  if (value === 'legacy') return 'legacy';
  throw new UsageError(`--dialect must be "standard" or "legacy", got "${value}"`);
}

const HELP: Record<string, string> = {
  sign: 'usage: jupay sign [--dialect legacy] [--fields a,b,...] [--key-file PATH] name=value ...\nPrints the signature of the fields (all given fields are signed unless --fields names them).',
  canonical:
    'usage: jupay canonical [--dialect legacy] [--fields a,b,...] name=value ...\nPrints the exact string that is hashed, with the key shown as key=***.',
  verify:
    'usage: jupay verify --sign SIG [--dialect legacy] [--fields a,b,...] [--key-file PATH] name=value ...\nExits 0 and prints "valid" when SIG matches, exits 1 and prints "invalid" when it does not.',
};

function signing(
  command: 'sign' | 'canonical' | 'verify',
  argv: string[],
  env: NodeJS.ProcessEnv,
): CommandResult {
  const { values, positionals } = parseArgs({
    args: argv,
    options: SIGNING_OPTIONS,
    allowPositionals: true,
    strict: true,
  });
  if (values.help) return { output: HELP[command]!, exitCode: 0 };
  const fields = parsePairs(positionals);
  if (positionals.length === 0) throw new UsageError(`${command} needs at least one name=value field`);
  const options = {
    dialect: dialectOf(values.dialect),
    ...(values.fields ? { signedFields: values.fields.split(',').map((name) => name.trim()) } : {}),
  };
  if (command === 'canonical') return { output: canonicalize(fields, '***', options), exitCode: 0 };
  const key = readKey(values, env);
  if (command === 'sign') return { output: sign(fields, key, options), exitCode: 0 };
  const signature = required(values, 'sign');
  const valid = verify(fields, key, signature, options);
  return valid
    ? { output: 'valid: the signature matches', exitCode: 0 }
    : { output: 'invalid: the signature does not match these fields and key', exitCode: 1 };
}

/**
 * Runs one `jupay` command line (without the program name).
 *
 * @example
 * await runCommand(['sign', 'pay_memberid=10002'], { JUPAY_KEY: 'secret' }); // { output: '...', exitCode: 0 }
 */
export async function runCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<CommandResult> {
  refuseKeyArgument(argv);
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      return { output: USAGE, exitCode: command === undefined ? 2 : 0 };
    case 'sign':
    case 'canonical':
    case 'verify':
      return signing(command, rest, env);
    case 'request':
      return requestCommand(rest, env);
    case 'query':
      return queryCommand(rest, env);
    case 'notify':
      return notifyCommand(rest, env);
    default:
      throw new UsageError(
        `unknown command "${command}" (try: sign, canonical, verify, request, query, notify)`,
      );
  }
}
