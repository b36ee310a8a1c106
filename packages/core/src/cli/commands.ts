/**
 * @module cli/commands
 * The command table: dispatches `jupay <command>` to the module that implements it, and holds the usage text.
 */
import { refuseKeyArgument, UsageError } from './args.ts';
import type { Command, CommandResult } from './command.ts';
import { notifyCommand } from './notify.ts';
import { queryCommand } from './query.ts';
import { requestCommand } from './request.ts';
import { signingCommand } from './signing.ts';

export const USAGE = `jupay: the 聚合支付 gateway protocol from a shell

usage: jupay <command> [options] [name=value ...]

commands:
  sign [--dialect legacy] [--fields a,b,...] name=value ...    print the signature (MD5, upper case)
  canonical [--dialect legacy] [--fields a,b,...] name=value ... print the hashed string, key shown as key=***
  verify --sign SIG [--dialect legacy] [--fields ...] name=value ...  exit 0 when valid, 1 when not
  request --member-id ID --bank-code CODE --amount YUAN --notify-url URL --callback-url URL
          --product-name NAME [--gateway URL] [--order-id ID] [--attach TEXT] [--dialect legacy] [--html]
                                                               print the signed payment form (JSON or HTML)
  query --url QUERY_URL --member-id ID --order-id ID [--dialect legacy]
                                                               query a gateway, print the parsed answer
  notify --url NOTIFY_URL --member-id ID --order-id ID --amount YUAN [--transaction-id ID] [--attach TEXT]
         [--dialect legacy]                                    send a signed test notification, print the reply

The key comes from the JUPAY_KEY environment variable or --key-file PATH, never from an argument.
Run "jupay <command> --help" for one command.`;

/** Every command by name, in the order the usage lists them. */
const COMMANDS: Readonly<Record<string, Command>> = {
  sign: (argv, env) => signingCommand('sign', argv, env),
  canonical: (argv, env) => signingCommand('canonical', argv, env),
  verify: (argv, env) => signingCommand('verify', argv, env),
  request: requestCommand,
  query: queryCommand,
  notify: notifyCommand,
};

/**
 * Runs one `jupay` command line (without the program name).
 *
 * @example
 * await runCommand(['sign', 'pay_memberid=10002'], { JUPAY_KEY: 'secret' }); // { output: '...', exitCode: 0 }
 */
export async function runCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<CommandResult> {
  refuseKeyArgument(argv);
  const [command, ...rest] = argv;
  if (command === undefined) return { output: USAGE, exitCode: 2 };
  if (command === 'help' || command === '--help' || command === '-h') return { output: USAGE, exitCode: 0 };
  // Own properties only: `jupay toString` is an unknown command, not Object.prototype's.
  const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!run) {
    throw new UsageError(`unknown command "${command}" (try: ${Object.keys(COMMANDS).join(', ')})`);
  }
  return run(rest, env);
}
