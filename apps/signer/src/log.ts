/**
 * @module log
 * Structured JSON logs (pino): one line per request with a request id, method, path without its query string,
 * status and duration. Signatures and secrets are redacted by path; the key is never handed to the logger at all.
 */
import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { pino, type DestinationStream, type Logger } from 'pino';
import { setResponseHeader } from './http/response-header.ts';

export type { Logger } from 'pino';

/** Field paths replaced by `[redacted]` wherever they are logged. */
export const REDACT_PATHS = [
  'key',
  'sign',
  'pay_md5sign',
  'webhookSecret',
  '*.key',
  '*.sign',
  '*.pay_md5sign',
  '*.webhookSecret',
  'req.headers.authorization',
  'req.headers.cookie',
];

/**
 * Creates the signer's logger, writing JSON lines to `destination` (default: stdout). Every `secrets` value is
 * replaced by `[redacted]` in every line, whatever field it hides in.
 * @example
 * const log = createLogger({ level: 'info', secrets: config.gateways.map((a) => a.key) });
 * log.info({ orderId }, 'order paid');
 */
export function createLogger(
  options: { level?: string; destination?: DestinationStream; secrets?: readonly (string | null)[] } = {},
): Logger {
  const secrets = (options.secrets ?? []).filter((s): s is string => typeof s === 'string' && s.length >= 8);
  // As written in a JSON line: `"` and `\` come out escaped.
  const forms = [...new Set(secrets.flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]))];
  const logger = pino(
    {
      level: options.level ?? 'info',
      base: { service: 'jupay-signer' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // The last line of defence: should any error message or field ever carry a secret, it is cut from the line.
      ...(forms.length > 0 ? { hooks: { streamWrite: (line: string) => scrub(line, forms) } } : {}),
    },
    options.destination,
  );
  const stream = plainStream(logger);
  if (stream) plainStreams.set(logger, { stream, forms });
  return logger;
}

type AccessLineWriter = (status: number, reqId: string, method: string, path: string, ms: number) => void;

/** The stream and secret forms of each logger made by {@link createLogger} whose lines may be written directly. */
const plainStreams = new WeakMap<Logger, { stream: DestinationStream; forms: readonly string[] }>();

/** The logger's stream, or null for one that needs pino's own write (a multistream reads the level pino sets). */
function plainStream(logger: Logger): DestinationStream | null {
  const stream = (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] as
    (DestinationStream & Record<symbol, unknown>) | undefined;
  if (!stream || typeof stream.write !== 'function' || stream[Symbol.for('pino.metadata')]) return null;
  return stream;
}

/**
 * The one line per request, built as a string and written to the logger's stream: the same JSON as
 * `logger.info({ reqId, method, path, status, ms }, 'request')` (`error` and `request failed` from 500 on), about
 * 5 us cheaper. Its fields are fixed and hold no secret by name, so path redaction has nothing to do there; the
 * secret scrub, which would catch a key typed into a URL path, still runs. null for a stream that needs pino's own
 * write.
 */
function accessLineWriter(logger: Logger): AccessLineWriter | null {
  const plain = plainStreams.get(logger);
  if (!plain) return null;
  const { stream, forms } = plain;
  return (status, reqId, method, path, ms) => {
    const failed = status >= 500;
    // The level may be changed at run time (logger.level = 'warn'), so it is read on every line.
    if (logger.levelVal > (failed ? 50 : 30)) return;
    let line =
      `{"level":${failed ? 50 : 30},"time":"${new Date().toISOString()}","service":"jupay-signer",` +
      `"reqId":${JSON.stringify(reqId)},"method":${JSON.stringify(method)},"path":${JSON.stringify(path)},` +
      `"status":${status},"ms":${ms},"msg":"${failed ? 'request failed' : 'request'}"}\n`;
    if (forms.length > 0) line = scrub(line, forms);
    stream.write(line);
  };
}

/** Keys pino writes itself, or redacts by path: a line with one of them goes through pino. */
const SPECIAL_KEYS = new Set([
  'level',
  'time',
  'service',
  'reqId',
  'msg',
  'key',
  'sign',
  'pay_md5sign',
  'webhookSecret',
]);

/**
 * A request-scoped line (`log.info({ orderId, verdict }, 'notification applied')`) built as a string: the same
 * JSON as the child logger `logger.child({ reqId })` would write, without building that child. Only for flat
 * fields of strings, finite numbers, booleans and null under ordinary names (nothing to redact by path); the
 * secret scrub still runs. false when the line must go through pino.
 */
function writeRequestLine(
  logger: Logger,
  level: number,
  reqId: string,
  fields: unknown,
  msg: unknown,
): boolean {
  if (typeof msg !== 'string' || fields === null || typeof fields !== 'object') return false;
  if (Object.getPrototypeOf(fields) !== Object.prototype) return false;
  const plain = plainStreams.get(logger);
  if (!plain) return false;
  let body = '';
  for (const name in fields) {
    if (!Object.hasOwn(fields, name) || SPECIAL_KEYS.has(name)) return false;
    const value = (fields as Record<string, unknown>)[name];
    if (value === undefined) continue;
    if (
      value !== null &&
      typeof value !== 'string' &&
      typeof value !== 'boolean' &&
      !(typeof value === 'number' && Number.isFinite(value))
    ) {
      return false;
    }
    body += `,${JSON.stringify(name)}:${JSON.stringify(value)}`;
  }
  if (logger.levelVal > level) return true;
  let line =
    `{"level":${level},"time":"${new Date().toISOString()}","service":"jupay-signer",` +
    `"reqId":${JSON.stringify(reqId)}${body},"msg":${JSON.stringify(msg)}}\n`;
  if (plain.forms.length > 0) line = scrub(line, plain.forms);
  plain.stream.write(line);
  return true;
}

function scrub(line: string, forms: readonly string[]): string {
  for (const form of forms) if (line.includes(form)) line = line.split(form).join('[redacted]');
  return line;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;
/** A logger that builds `logger.child(bindings)` on its first call only: most requests never log beyond their line. */
class LazyChild {
  #child: Logger | undefined;
  constructor(
    private readonly logger: Logger,
    private readonly reqId: string,
  ) {}
  private get real(): Logger {
    return (this.#child ??= this.logger.child({ reqId: this.reqId }));
  }
  fatal(...args: unknown[]): void {
    (this.real.fatal as (...a: unknown[]) => void)(...args);
  }
  error(...args: unknown[]): void {
    (this.real.error as (...a: unknown[]) => void)(...args);
  }
  warn(...args: unknown[]): void {
    // Before the child exists (it never does on most requests), a plain line is written directly.
    if (
      this.#child === undefined &&
      args.length === 2 &&
      writeRequestLine(this.logger, 40, this.reqId, args[0], args[1])
    ) {
      return;
    }
    (this.real.warn as (...a: unknown[]) => void)(...args);
  }
  info(...args: unknown[]): void {
    // Before the child exists (it never does on most requests), a plain line is written directly.
    if (
      this.#child === undefined &&
      args.length === 2 &&
      writeRequestLine(this.logger, 30, this.reqId, args[0], args[1])
    ) {
      return;
    }
    (this.real.info as (...a: unknown[]) => void)(...args);
  }
  debug(...args: unknown[]): void {
    (this.real.debug as (...a: unknown[]) => void)(...args);
  }
  trace(...args: unknown[]): void {
    (this.real.trace as (...a: unknown[]) => void)(...args);
  }
  child(more: Record<string, unknown>): Logger {
    return this.real.child(more);
  }
}

/** Context variables set by {@link requestLogger}. */
export interface LogVariables {
  requestId: string;
  log: Logger;
}

/** The Hono environment of the signer's app and of each route app mounted on it. */
export interface SignerEnv {
  Variables: LogVariables;
}

/**
 * Middleware: takes a sane `X-Request-Id` or makes one, exposes a child logger as `c.get('log')`, echoes the id,
 * and logs one line per request. Only the path is logged, never the query string (it may carry a signature).
 * @example
 * app.use(requestLogger(logger));
 */
export function requestLogger(logger: Logger): MiddlewareHandler<{ Variables: LogVariables }> {
  const writeLine = accessLineWriter(logger);
  return async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const requestId = incoming !== undefined && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    c.set('requestId', requestId);
    // The per-request child logger is only built when a handler actually logs something.
    c.set('log', new LazyChild(logger, requestId) as unknown as Logger);
    setResponseHeader(c, 'X-Request-Id', requestId);
    const started = performance.now();
    await next();
    const status = c.res.status;
    const ms = Math.round((performance.now() - started) * 10) / 10;
    if (writeLine) return writeLine(status, requestId, c.req.method, c.req.path, ms);
    const line = { reqId: requestId, method: c.req.method, path: c.req.path, status, ms };
    if (status >= 500) logger.error(line, 'request failed');
    else logger.info(line, 'request');
  };
}
