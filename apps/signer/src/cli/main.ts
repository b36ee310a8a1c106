/**
 * @module cli/main
 * The `jupay-signer` executable: runs the command named in `process.argv` with the process's own streams,
 * environment and working directory, then exits with its code.
 */
import { processIo } from './cli-io.ts';
import { runCli } from './run-cli.ts';

const code = await runCli(process.argv.slice(2), processIo());
// Explicit: background handles (a pool's idle timers, a pending log flush) must not keep a finished command alive.
process.exit(code);
