/**
 * @module cli/signing
 * The offline commands: `sign` (print a signature), `canonical` (print the hashed string, key masked) and `verify`.
 */
import { parseArgs } from 'node:util';
import { canonicalize, sign, verify } from '../signature.ts';
import { parsePairs, readDialect, readKey, required, UsageError } from './args.ts';
import type { CommandResult } from './command.ts';

const SIGNING_OPTIONS = {
  dialect: { type: 'string' },
  fields: { type: 'string' },
  'key-file': { type: 'string' },
  sign: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const HELP: Record<string, string> = {
  sign: 'usage: jupay sign [--dialect legacy] [--fields a,b,...] [--key-file PATH] name=value ...\nPrints the signature of the fields (all given fields are signed unless --fields names them).',
  canonical:
    'usage: jupay canonical [--dialect legacy] [--fields a,b,...] name=value ...\nPrints the exact string that is hashed, with the key shown as key=***.',
  verify:
    'usage: jupay verify --sign SIG [--dialect legacy] [--fields a,b,...] [--key-file PATH] name=value ...\nExits 0 and prints "valid" when SIG matches, exits 1 and prints "invalid" when it does not.',
};

/**
 * `jupay sign`, `jupay canonical` and `jupay verify`: the offline commands over `name=value` fields.
 *
 * @example
 * signingCommand('sign', ['pay_memberid=10002'], { JUPAY_KEY: 'secret' }); // { output: '<32 hex>', exitCode: 0 }
 */
export function signingCommand(
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
    dialect: readDialect(values),
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
