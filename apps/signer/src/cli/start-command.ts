/**
 * @module cli/start-command
 * `jupay-signer start`: reads the settings (see config/config-source.ts for the search order), starts the server,
 * names the settings file in its start line, and shuts down gracefully on SIGTERM or SIGINT: no new connections,
 * requests in flight finish, background services stop, the store closes. Resolves with the exit code once stopped.
 */
import { loadSignerConfig } from '../config/config-source.ts';
import { createFdDestination } from '../log-destination.ts';
import { startServer } from '../server.ts';
import type { CliIo } from './cli-io.ts';

/** How long the log gets, after the server has stopped, to write what is queued before the process exits. */
const LOG_FLUSH_MS = 2_000;

/** Options of {@link startCommand}. */
export interface StartOptions {
  envFile?: string | undefined;
}

/**
 * Runs the signer until a signal stops it; resolves with 0 after a clean stop, 1 when the stop failed.
 * @example
 * process.exitCode = await startCommand(processIo(), { envFile: '/etc/jupay/signer.env' });
 */
export async function startCommand(io: CliIo, options: StartOptions = {}): Promise<number> {
  const { config, source } = loadSignerConfig({ envFile: options.envFile, env: io.env, cwd: io.cwd });
  // stdout without pino's exit-time flush, which retries for ever once the reader is gone (EPIPE) or stalled.
  const logDestination = createFdDestination(1);
  const running = await startServer(config, { logDestination }, { configFile: source.file });
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  running.signer.logger.info({ signal }, 'shutting down');
  let code = 0;
  try {
    await running.close();
  } catch (error) {
    running.signer.logger.error({ err: error }, 'shutdown failed');
    code = 1;
  }
  // The log gets a bounded time to drain; what a dead or stalled reader does not take is dropped.
  await logDestination.flush(LOG_FLUSH_MS);
  return code;
}
