/**
 * @module cli/command
 * The types every `jupay` command shares. Commands import this module, and the command table (`commands.ts`)
 * imports the commands, so no command imports the table.
 */

/** What a command prints on stdout and the process exit code. */
export interface CommandResult {
  output: string;
  exitCode: number;
}

/**
 * One command: its arguments after the command name, and the environment (the key comes from there or a file).
 *
 * @example
 * const hello: Command = (argv) => ({ output: argv.join(' '), exitCode: 0 });
 */
export type Command = (argv: string[], env: NodeJS.ProcessEnv) => CommandResult | Promise<CommandResult>;
