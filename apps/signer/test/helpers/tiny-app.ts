/**
 * @module helpers/tiny-app
 * A bare Hono app for testing one middleware alone: thrown errors become the signer's JSON error answer through the
 * app's own handler (`jsonError`), and `c.get('log')` is a real logger whose lines the test reads.
 */
import { Hono } from 'hono';
import { jsonError } from '../../src/http/json-error.ts';
import { createLogger, type SignerEnv } from '../../src/log.ts';

/** A tiny app and the log lines its handlers and middleware wrote (parsed). */
export interface TinyApp {
  app: Hono<SignerEnv>;
  logs: Record<string, unknown>[];
}

/**
 * @example
 * const { app, logs } = tinyApp();
 * app.use('/x', browserCors(['https://shop.example']));
 * app.get('/x', (c) => c.text('reached'));
 * await app.request('/x', { headers: { origin: 'https://evil.example' } }); // 403 ORIGIN_NOT_ALLOWED
 */
export function tinyApp(): TinyApp {
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) },
  });
  const app = new Hono<SignerEnv>();
  app.use((c, next) => {
    c.set('log', logger);
    return next();
  });
  app.onError(jsonError);
  return { app, logs };
}
