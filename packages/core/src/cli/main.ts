#!/usr/bin/env node
/**
 * @module cli/main
 * `jupay`: the protocol from a shell. Sign and verify field sets, show the hashed string, build a payment form,
 * query a gateway, and send a test notification to a merchant endpoint the way the gateway does.
 */
import { JupayError } from '../errors.ts';
import { runCommand } from './commands.ts';
import { UsageError } from './args.ts';

const argv = process.argv.slice(2);
runCommand(argv, process.env)
  .then(({ output, exitCode }) => {
    if (output) process.stdout.write(output.endsWith('\n') ? output : `${output}\n`);
    process.exitCode = exitCode;
  })
  .catch((error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`jupay: ${error.message}\n`);
      process.exitCode = error.exitCode;
    } else if (error instanceof JupayError) {
      process.stderr.write(`jupay: ${error.code}: ${error.message}\n`);
      process.exitCode = 2;
    } else if (
      error instanceof TypeError &&
      'code' in error &&
      String(error.code).startsWith('ERR_PARSE_ARGS')
    ) {
      process.stderr.write(`jupay: ${error.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`jupay: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    }
  });
