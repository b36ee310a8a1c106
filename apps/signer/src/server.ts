/**
 * @module server
 * The standalone signer: `pnpm --filter @jupay/signer start` (or `tsx src/server.ts`). Reads the environment and
 * `./.env`, opens and migrates the store, serves the app, and shuts down gracefully on SIGTERM/SIGINT: stop
 * accepting connections, let requests in flight finish, stop background services, close the store.
 */
import { serve, type ServerType } from '@hono/node-server';
import { createSigner, type Signer, type SignerDeps } from './app.ts';
import { withEnvFile } from './config/env-file.ts';
import { loadConfig, type SignerConfig } from './config/load-config.ts';
import { ConfigError } from './errors.ts';

/** A running signer server. */
export interface RunningSigner {
  signer: Signer;
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
  await signer.start();
  let server: ServerType;
  const address = await new Promise<{ port: number }>((resolve, reject) => {
    server = serve({ fetch: signer.app.fetch, port: config.port, hostname: config.host }, (info) =>
      resolve(info),
    );
    server.once('error', reject);
  });
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${address.port}`;
  signer.logger.info({ url, store: storeKind(config.store) }, 'signer listening');

  let closing: Promise<void> | undefined;
  return {
    signer,
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
  const running = await startServer(config);
  const shutdown = (signal: string) => {
    running.signer.logger.info({ signal }, 'shutting down');
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        running.signer.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
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
