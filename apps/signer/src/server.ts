/**
 * @module server
 * `startServer(config)`: the standalone signer's HTTP server. Opens and migrates the store, serves the app, and
 * closes gracefully: stop accepting connections, let requests in flight finish, stop background services, close
 * the store. A start-up failure names the setting behind it (`JUPAY_STORE`, `PORT`, `HOST`); a server error after
 * start is logged. The command that reads the settings and handles signals is `jupay-signer start`
 * (cli/start-command.ts); running this file directly does the same.
 */
import { serve, type ServerType } from '@hono/node-server';
import { createSigner, type Signer, type SignerDeps } from './app.ts';
import type { SignerConfig } from './config/load-config.ts';
import { redactSecrets } from './config/redact.ts';

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

/** Options of {@link startServer}. */
export interface StartServerOptions {
  /** The env file the settings were read from (null: the environment only), named in the start line. */
  configFile?: string | null;
}

/** A running signer server. */
export interface RunningSigner {
  signer: Signer;
  /** The Node HTTP server (its errors after start are logged, never thrown). */
  server: ServerType;
  /** `http://host:port` as bound (port 0 resolves to the real port). */
  url: string;
  /** `http://127.0.0.1:port` of the operator's listener (`JUPAY_ADMIN_PORT`); null without one. */
  adminUrl: string | null;
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
export async function startServer(
  config: SignerConfig,
  deps: SignerDeps = {},
  options: StartServerOptions = {},
): Promise<RunningSigner> {
  const signer = createSigner(config, deps);
  const where = describeStore(config.store);
  try {
    // Migrated here first so a failure names JUPAY_STORE; start() then finds nothing left to migrate.
    await signer.store.migrate();
  } catch (error) {
    await signer.stop().catch(() => undefined);
    // The path (or URL) and the driver's reason are shown, but never a secret pasted into JUPAY_STORE.
    const message = `cannot open or migrate ${where} (${storeFailureReason(error, config.store)})`;
    throw new StartupError('JUPAY_STORE', redactSecrets(message, configSecrets(config)), {
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
  const admin = signer.adminApp ? await listenAdmin(signer, config, server) : null;
  // The start line says where everything came from: the settings file and the store actually opened.
  const configFile = options.configFile === undefined ? {} : { configFile: options.configFile };
  signer.logger.info(
    {
      url,
      ...(admin ? { adminUrl: admin.url } : {}),
      store: storeKind(config.store),
      storeAt: describeStore(config.store),
      ...configFile,
    },
    'signer listening',
  );

  let closing: Promise<void> | undefined;
  return {
    signer,
    server,
    url,
    adminUrl: admin?.url ?? null,
    close(graceMs = 10_000) {
      closing ??= (async () => {
        // The operator's listener first: nothing there must finish for the gateway or a shopper.
        await admin?.close();
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

/** The operator's listener on 127.0.0.1:`JUPAY_ADMIN_PORT`; a failure stops the start, naming the setting. */
async function listenAdmin(
  signer: Signer,
  config: SignerConfig,
  main: ServerType,
): Promise<{ url: string; close(): Promise<void> }> {
  let server!: ServerType;
  try {
    const info = await new Promise<{ port: number }>((resolve, reject) => {
      server = serve(
        { fetch: signer.adminApp!.fetch, port: config.adminPort ?? 0, hostname: '127.0.0.1' },
        (i) => {
          server.off('error', reject);
          resolve(i);
        },
      );
      server.once('error', reject);
    });
    server.on('error', (error) => signer.logger.error({ err: error }, 'admin server error'));
    const http = server as import('node:http').Server;
    return {
      url: `http://127.0.0.1:${info.port}`,
      close: () =>
        new Promise<void>((resolve) => {
          http.closeAllConnections?.();
          http.close(() => resolve());
        }),
    };
  } catch (error) {
    (main as import('node:http').Server).closeAllConnections?.();
    await new Promise<void>((resolve) => main.close(() => resolve()));
    await signer.stop().catch(() => undefined);
    const code = (error as NodeJS.ErrnoException).code;
    throw new StartupError(
      'JUPAY_ADMIN_PORT',
      code === 'EADDRINUSE'
        ? `${config.adminPort} is already in use on 127.0.0.1`
        : `cannot listen on 127.0.0.1:${config.adminPort} (${storeFailureReason(error, '')})`,
      { cause: error },
    );
  }
}

/** Every secret a configuration holds: each gateway account's key, the webhook secret, the admin token. */
function configSecrets(config: SignerConfig): (string | null | undefined)[] {
  return [...config.gateways.map((a) => a.key), config.webhookSecret, config.adminToken];
}

function storeKind(store: string): string {
  return /^postgres(ql)?:\/\//.test(store) ? 'postgres' : 'sqlite';
}

/**
 * The store for a message: a postgres URL with its password masked, or the SQLite path.
 * @example
 * describeStore('postgres://jupay:pw@db/jupay'); // 'postgres://jupay:***@db/jupay'
 */
export function describeStore(store: string): string {
  if (storeKind(store) !== 'postgres') return store;
  try {
    const url = new URL(store);
    if (url.password !== '') url.password = '***';
    return url.href;
  } catch {
    return 'the postgres URL';
  }
}

/**
 * An error's message, with the store URL's password removed should a driver ever repeat it.
 * @example
 * storeFailureReason(error, config.store); // 'connect ECONNREFUSED 127.0.0.1:5432'
 */
export function storeFailureReason(error: unknown, store: string): string {
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
    new StartupError(setting, redactSecrets(message, configSecrets(config)), { cause: error });
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
      return startup('PORT', `cannot listen on ${at} (check HOST too): ${storeFailureReason(error, '')}`);
  }
}
