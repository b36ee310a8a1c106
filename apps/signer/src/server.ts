/**
 * @module server
 * The standalone signer: `pnpm --filter @jupay/signer start` (or `tsx src/server.ts`). Reads the environment and
 * `./.env`, opens and migrates the store, serves the app, and shuts down gracefully on SIGTERM/SIGINT: stop
 * accepting connections, let requests in flight finish, stop background services, close the store. A start-up
 * failure names the setting behind it (`JUPAY_STORE`, `PORT`, `HOST`); a server error after start is logged.
 */
import { serve, type ServerType } from '@hono/node-server';
import { createSigner, type Signer, type SignerDeps } from './app.ts';
import { withEnvFile } from './config/env-file.ts';
import { loadConfig, type SignerConfig } from './config/load-config.ts';
import { redactSecrets } from './config/redact.ts';
import { ConfigError } from './errors.ts';
import { createFdDestination } from './log-destination.ts';

/** How long the log gets, after the server has stopped, to write what is queued before the process exits. */
const LOG_FLUSH_MS = 2_000;

/**
 * The signer could not start because of one setting's value: the store it names cannot be opened or migrated, or
 * the port/host cannot be listened on. The message starts with the setting and never holds a password.
 * @example
 * try { await startServer(config); } catch (e) { if (e instanceof StartupError) console.error(e.setting); }
 */
export class StartupError extends Error {
  /** `JUPAY_STORE`, `PORT` or `HOST`. */
  readonly setting: string;

  constructor(setting: string, message: string, options?: { cause?: unknown }) {
    super(`${setting}: ${message}`, options);
    this.name = 'StartupError';
    this.setting = setting;
  }
}

/** A running signer server. */
export interface RunningSigner {
  signer: Signer;
  /** The Node HTTP server (its errors after start are logged, never thrown). */
  server: ServerType;
  /** `http://host:port` as bound (port 0 resolves to the real port). */
  url: string;
  /** Graceful: refuses new connections, waits for requests in flight (at most `graceMs`), then closes the store. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Starts the signer for `config`: store ready first, then the HTTP listener.
 * @example
 * const running = await startServer(loadConfig(process.env));
 * console.log(running.url);
 * await running.close();
 */
export async function startServer(config: SignerConfig, deps: SignerDeps = {}): Promise<RunningSigner> {
  const signer = createSigner(config, deps);
  const where = describeStore(config.store);
  try {
    // Migrated here first so a failure names JUPAY_STORE; start() then finds nothing left to migrate.
    await signer.store.migrate();
  } catch (error) {
    await signer.stop().catch(() => undefined);
    // The path (or URL) and the driver's reason are shown, but never a secret pasted into JUPAY_STORE.
    const message = `cannot open or migrate ${where} (${reason(error, config.store)})`;
    throw new StartupError('JUPAY_STORE', redactSecrets(message, [config.key, config.webhookSecret]), {
      cause: error,
    });
  }
  await signer.start();
  let server!: ServerType;
  let address: { port: number };
  try {
    address = await new Promise<{ port: number }>((resolve, reject) => {
      server = serve({ fetch: signer.app.fetch, port: config.port, hostname: config.host }, (info) => {
        server.off('error', reject);
        resolve(info);
      });
      server.once('error', reject);
    });
  } catch (error) {
    await signer.stop().catch(() => undefined);
    throw listenError(error, config);
  }
  // After start, an error (e.g. EMFILE on accept) must not crash the process: log every one of them.
  server.on('error', (error) => signer.logger.error({ err: error }, 'server error'));
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${address.port}`;
  signer.logger.info({ url, store: storeKind(config.store) }, 'signer listening');

  let closing: Promise<void> | undefined;
  return {
    signer,
    server,
    url,
    close(graceMs = 10_000) {
      closing ??= (async () => {
        const http = server as import('node:http').Server;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            // Requests still running after the grace period are cut; their clients (the gateway) will re-send.
            http.closeAllConnections?.();
            resolve();
          }, graceMs);
          timer.unref();
          http.close(() => {
            clearTimeout(timer);
            resolve();
          });
          // Idle keep-alive sockets would hold close() open; busy ones finish their request first.
          http.closeIdleConnections?.();
        });
        await signer.stop();
        signer.logger.info('signer stopped');
      })();
      return closing;
    },
  };
}

function storeKind(store: string): string {
  return /^postgres(ql)?:\/\//.test(store) ? 'postgres' : 'sqlite';
}

/** The store for a message: a postgres URL with its password masked, or the SQLite path. */
function describeStore(store: string): string {
  if (storeKind(store) !== 'postgres') return store;
  try {
    const url = new URL(store);
    if (url.password !== '') url.password = '***';
    return url.href;
  } catch {
    return 'the postgres URL';
  }
}

/** An error's message, with the store URL's password removed should a driver ever repeat it. */
function reason(error: unknown, store: string): string {
  let text = error instanceof Error ? error.message : String(error);
  if (storeKind(store) === 'postgres') {
    try {
      const password = decodeURIComponent(new URL(store).password);
      if (password !== '') text = text.split(password).join('***');
    } catch {
      // An unparsable URL: the driver could not have used a password from it either.
    }
  }
  return text || 'unknown error';
}

function listenError(error: unknown, config: SignerConfig): StartupError {
  const code = (error as NodeJS.ErrnoException).code;
  const at = `${config.host}:${config.port}`;
  const startup = (setting: string, message: string) =>
    // HOST is shown as given, but never a secret pasted into it (a key is a valid host name).
    new StartupError(setting, redactSecrets(message, [config.key, config.webhookSecret]), { cause: error });
  switch (code) {
    case 'EADDRINUSE':
      return startup('PORT', `${config.port} is already in use on ${config.host}`);
    case 'EACCES':
      return startup('PORT', `${config.port} needs privileges this process lacks`);
    case 'EADDRNOTAVAIL':
      return startup('HOST', `${config.host} is not an address of this machine`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
      return startup('HOST', `${config.host} does not resolve (${code})`);
    default:
      return startup('PORT', `cannot listen on ${at} (check HOST too): ${reason(error, '')}`);
  }
}

/** The command line entry: exits 1 with a message naming the setting when the configuration is invalid. */
async function main(): Promise<void> {
  let config: SignerConfig;
  try {
    config = loadConfig(withEnvFile(process.env, '.env'));
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`jupay signer: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  // stdout without pino's exit-time flush, which retries for ever once the reader is gone (EPIPE) or stalled.
  const logDestination = createFdDestination(1);
  const running = await startServer(config, { logDestination });
  const shutdown = (signal: string) => {
    running.signer.logger.info({ signal }, 'shutting down');
    const exit = (code: number) => {
      // The log gets a bounded time to drain; what a dead or stalled reader does not take is dropped.
      void logDestination.flush(LOG_FLUSH_MS).then(() => process.exit(code));
    };
    running.close().then(
      () => exit(0),
      (error: unknown) => {
        running.signer.logger.error({ err: error }, 'shutdown failed');
        exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `jupay signer: failed to start: ${error instanceof Error ? error.message : 'error'}\n`,
    );
    process.exit(1);
  });
}
