/**
 * @module cli/cli-io
 * What a `jupay-signer` command talks to: two output streams, the environment and the working directory. The real
 * process gives its own (`processIo`); tests give strings to read back.
 */

/** The streams, environment and folder a command runs with. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Record<string, string | undefined>;
  cwd: string;
}

/** A command's problem with its arguments: printed as one line, exit code 2. */
export class UsageError extends Error {
  readonly code = 'USAGE';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * The running process's own streams, environment and working directory: what the `jupay-signer` command uses.
 * @example
 * process.exitCode = await runCli(['check'], processIo());
 */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

/**
 * An io that keeps what is written, for tests and for commands run from code.
 * @example
 * const io = captureIo({ JUPAY_ENV_FILE: '/tmp/signer.env' });
 * await runCli(['check'], io);
 * io.out(); // the lines printed
 */
export function captureIo(
  env: Record<string, string | undefined> = {},
  cwd: string = process.cwd(),
): CliIo & { out(): string; err(): string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    env,
    cwd,
    out: () => out,
    err: () => err,
  };
}
