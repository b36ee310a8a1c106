/**
 * @module cli/args
 * Shared argument handling for the `jupay` commands: `name=value` field pairs, the key from the environment or a
 * file (never from argv, which ends up in shell history and `ps`), and one-line usage errors.
 */
import { readFileSync } from 'node:fs';
import type { Dialect, Fields } from '../signature.ts';

/** An error the CLI prints as one line, exiting with `exitCode`. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

/**
 * Turns `name=value` arguments into fields; the first `=` splits, so values may contain `=`.
 *
 * @example
 * parsePairs(['a=1', 'b=x=y']); // { a: '1', b: 'x=y' }
 */
export function parsePairs(pairs: readonly string[]): Fields {
  const fields: Fields = Object.create(null) as Fields;
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`expected name=value, got "${pair}"`);
    const name = pair.slice(0, eq);
    if (Object.hasOwn(fields, name)) throw new UsageError(`field ${name} is given twice`);
    fields[name] = pair.slice(eq + 1);
  }
  return fields;
}

/**
 * The merchant key: `--key-file PATH` (trailing newline trimmed) or the `JUPAY_KEY` environment variable.
 *
 * @example
 * readKey({ 'key-file': '/run/secrets/jupay-key' }, process.env);
 */
export function readKey(options: { 'key-file'?: string | undefined }, env: NodeJS.ProcessEnv): string {
  if (options['key-file']) {
    let text: string;
    try {
      text = readFileSync(options['key-file'], 'utf8');
    } catch {
      throw new UsageError(`cannot read the key file ${options['key-file']}`);
    }
    const key = text.replace(/\r?\n$/, '');
    if (key === '') throw new UsageError(`the key file ${options['key-file']} is empty`);
    return key;
  }
  const key = env.JUPAY_KEY;
  if (!key)
    throw new UsageError(
      'no key: set JUPAY_KEY or pass --key-file PATH (a key is never taken as an argument)',
    );
  return key;
}

/** Refuses `--key VALUE` outright, with a message that says why. */
export function refuseKeyArgument(argv: readonly string[]): void {
  if (argv.some((arg) => arg === '--key' || arg.startsWith('--key='))) {
    throw new UsageError(
      '--key is not accepted: a key in argv leaks into shell history; use JUPAY_KEY or --key-file',
    );
  }
}

/** Reads a required string option or fails naming it. */
export function required(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

/**
 * The `--dialect` option: `standard` (the default) or `legacy` (the 2016-17 gateways' `=>` signature and 5-field
 * notifications, docs/protocol.md#dialects); anything else is a usage error naming what was given.
 *
 * @example
 * readDialect({ dialect: 'legacy' }); // 'legacy'
 */
export function readDialect(options: { dialect?: string | undefined }): Dialect {
  const value = options.dialect;
  if (value === undefined || value === 'standard') return 'standard';
  if (value === 'legacy') return 'legacy';
  throw new UsageError(`--dialect must be "standard" or "legacy", got "${value}"`);
}
