/**
 * @module log.test
 * The request line is written as a string (log.ts): it must read exactly like pino's own line, keep the secret
 * scrub, and follow the logger's level.
 */
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createLogger, requestLogger, type LogVariables } from './log.ts';

const SECRET = 'k3y-with-"quote"-and-\\';

function capture(level = 'info') {
  const lines: string[] = [];
  const logger = createLogger({
    level,
    secrets: [SECRET],
    destination: { write: (l: string) => lines.push(l) },
  });
  const app = new Hono<{ Variables: LogVariables }>();
  app.use(requestLogger(logger));
  app.get('/boom', () => {
    throw new Error('boom');
  });
  app.onError((_e, c) => c.text('x', 500));
  app.get('*', (c) => c.text('ok'));
  return { lines, logger, app };
}

describe('request line', () => {
  it('has the fields, order and format of the pino line it replaces', async () => {
    const { lines, logger, app } = capture();
    await app.request('/a/b%22c?sign=SECRETSIGN', { headers: { 'x-request-id': 'req-1' } });
    // Hono decodes the path: the quote must come out JSON-escaped.
    logger.info({ reqId: 'req-1', method: 'GET', path: '/a/b"c', status: 200, ms: 0 }, 'request');
    const [fast, reference] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]!.endsWith('}\n')).toBe(true);
    expect(Object.keys(fast!)).toEqual(Object.keys(reference!));
    expect({ ...fast, time: 0, ms: 0 }).toEqual({ ...reference, time: 0 });
    expect(typeof fast!.ms).toBe('number');
    expect(Date.parse(fast!.time as string)).not.toBeNaN();
    expect(lines[0]).not.toContain('SECRETSIGN');
  });

  it('logs a 5xx at error level as "request failed"', async () => {
    const { lines, app } = capture();
    await app.request('/boom');
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ level: 50, status: 500, msg: 'request failed' });
  });

  it('scrubs a secret typed into the path, raw or JSON-escaped', async () => {
    const { lines, app } = capture();
    await app.request(`/x/${encodeURIComponent('k3y-with-')}`);
    const plain = createLogger({
      secrets: ['abcdefgh12'],
      destination: { write: (l: string) => lines.push(l) },
    });
    const app2 = new Hono<{ Variables: LogVariables }>();
    app2.use(requestLogger(plain));
    app2.get('*', (c) => c.text('ok'));
    await app2.request('/leak/abcdefgh12');
    expect(lines.at(-1)).not.toContain('abcdefgh12');
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ path: '/leak/[redacted]' });
  });

  it('follows the logger level, also when changed at run time', async () => {
    const { lines, logger, app } = capture('warn');
    await app.request('/quiet');
    expect(lines).toHaveLength(0);
    await app.request('/boom');
    expect(lines).toHaveLength(1);
    logger.level = 'info';
    await app.request('/loud');
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ path: '/loud', status: 200 });
  });
});

describe('request-scoped lines', () => {
  it("read exactly like the child logger's, without building it", async () => {
    const { lines, logger } = capture();
    const app = new Hono<{ Variables: LogVariables }>();
    app.use(requestLogger(logger));
    app.get('*', (c) => {
      c.get('log').info(
        { orderId: 'E1"x', verdict: 'paid', n: 3, ok: true, none: null },
        'notification applied',
      );
      c.get('log').warn({ orderId: null, verdict: 'bad_signature' }, 'notification refused');
      return c.text('ok');
    });
    await app.request('/n', { headers: { 'x-request-id': 'req-7' } });
    const child = logger.child({ reqId: 'req-7' });
    child.info({ orderId: 'E1"x', verdict: 'paid', n: 3, ok: true, none: null }, 'notification applied');
    child.warn({ orderId: null, verdict: 'bad_signature' }, 'notification refused');
    const [a, b, , ra, rb] = lines;
    expect(a!.replace(/"time":"[^"]+"/, '')).toBe(ra!.replace(/"time":"[^"]+"/, ''));
    expect(b!.replace(/"time":"[^"]+"/, '')).toBe(rb!.replace(/"time":"[^"]+"/, ''));
  });

  it('keep path redaction, the secret scrub and the level', async () => {
    const { lines, logger } = capture('warn');
    const app = new Hono<{ Variables: LogVariables }>();
    app.use(requestLogger(logger));
    app.get('*', (c) => {
      c.get('log').info({ orderId: 'quiet' }, 'not written');
      c.get('log').warn({ sign: 'ABCDEF0123', orderId: 'E2' }, 'signed');
      c.get('log').warn({ detail: `has ${SECRET}` }, 'leaky');
      return c.text('ok');
    });
    await app.request('/n');
    expect(lines.join('')).not.toContain('quiet');
    expect(JSON.parse(lines[0]!)).toMatchObject({
      sign: '[redacted]',
      orderId: 'E2',
      reqId: expect.any(String),
    });
    expect(lines[1]).not.toContain('k3y-with-');
    expect(JSON.parse(lines[1]!)).toMatchObject({ detail: 'has [redacted]', msg: 'leaky' });
  });
});
