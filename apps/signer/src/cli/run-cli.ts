/**
 * @module cli/run-cli
 * `jupay-signer <command>`: the table of commands, their options, and the one place that turns a refused setting
 * or a failed start into a line on stderr and an exit code (1 for the configuration or the start, 2 for the
 * command line itself). Runs on plain Node from the built package.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigFileError, ENV_FILE_VARIABLE, SYSTEM_ENV_FILE } from '../config/config-source.ts';
import { ConfigError } from '../errors.ts';
import { StartupError } from '../server.ts';
import { checkCommand } from './check-command.ts';
import { UsageError, type CliIo } from './cli-io.ts';
import { ordersCommand } from './orders-command.ts';
import { snippetCommand } from './snippet-command.ts';
import { startCommand } from './start-command.ts';

/** The usage text (`jupay-signer --help`). */
export const USAGE = `Usage: jupay-signer <command> [--env-file PATH]

Commands:
  start     run the signer: the HTTP service, reconciliation and the webhook sender (SIGTERM stops it gracefully)
  check     check the settings, the store, the widget, the gateway and the credentials; exit code 1 if any fails
  snippet   print the two tags to paste into a page, with the widget's version and SRI hash
  orders    list the newest orders [--status PAID|NOTPAY] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--limit N] [--json]

Settings are read from --env-file PATH, else the file named by ${ENV_FILE_VARIABLE}, else the first that exists
of ./.env and ${SYSTEM_ENV_FILE}; variables already in the environment win over the file.
`;

const COMMON = { 'env-file': { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;
const ORDERS = {
  ...COMMON,
  status: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  limit: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/**
 * Runs one command; resolves with the process exit code. `start` resolves only after a signal stopped the server.
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), processIo());
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      (command === undefined ? io.stderr : io.stdout).write(USAGE);
      return command === undefined ? 2 : 0;
    }
    switch (command) {
      case 'start':
      case 'check':
      case 'snippet': {
        const { values } = parse(rest, COMMON);
        if (values.help) return help(io);
        const envFile = values['env-file'];
        if (command === 'start') return await startCommand(io, { envFile });
        if (command === 'check') return await checkCommand(io, { envFile });
        return await snippetCommand(io, { envFile });
      }
      case 'orders': {
        const { values } = parse(rest, ORDERS);
        if (values.help) return help(io);
        return await ordersCommand(io, { ...values, envFile: values['env-file'] });
      }
      default:
        throw new UsageError(`unknown command "${command}" (start, check, snippet, orders)`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`jupay-signer: ${error.message}\nRun jupay-signer --help for the commands.\n`);
      return 2;
    }
    if (error instanceof ConfigError || error instanceof ConfigFileError) {
      io.stderr.write(`jupay-signer: ${error.message}\n`);
      return 1;
    }
    if (error instanceof StartupError) {
      io.stderr.write(`jupay-signer: failed to start: ${error.message}\n`);
      return 1;
    }
    io.stderr.write(
      `jupay-signer: ${command ?? ''}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  }
}

function help(io: CliIo): number {
  io.stdout.write(USAGE);
  return 0;
}

function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
