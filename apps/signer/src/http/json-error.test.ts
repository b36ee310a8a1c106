/** @module http/json-error.test — errors and unknown routes as the signer's JSON answer, on a tiny app. */
import { describe, expect, it } from 'vitest';
import { tinyApp } from '../../test/helpers/tiny-app.ts';
import { HttpError } from '../errors.ts';
import { StoreUnavailableError } from '../store/order-store.ts';
import { notFound } from './json-error.ts';

function setUp() {
  const { app, logs } = tinyApp();
  app.get('/limited', () => {
    throw new HttpError('RATE_LIMITED', 'slow down', { 'Retry-After': '3' });
  });
  app.get('/store', () => {
    throw new StoreUnavailableError('connect ECONNREFUSED 127.0.0.1:5432');
  });
  app.get('/bug', () => {
    throw new TypeError('x is undefined');
  });
  app.notFound(notFound);
  return { app, logs };
}

describe('jsonError', () => {
  it('answers a typed error with its code, status and headers, never cached, and logs nothing', async () => {
    const { app, logs } = setUp();
    const res = await app.request('/limited');
    expect(res.status).toBe(429);
    expect(await res.json()).toEqual({ error: { code: 'RATE_LIMITED', message: 'slow down' } });
    expect(res.headers.get('retry-after')).toBe('3');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(logs.filter((l) => l.level === 50)).toEqual([]);
  });

  it('answers a store outage 503 without saying where the store is, and logs its cause for the operator', async () => {
    const { app, logs } = setUp();
    const res = await app.request('/store');
    expect(res.status).toBe(503);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('STORE_UNAVAILABLE');
    expect(body.error.message).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
    const line = logs.find((l) => l.msg === 'store unavailable');
    expect(JSON.stringify(line)).toContain('ECONNREFUSED');
  });

  it('answers any other error 500 INTERNAL with no detail, and logs it as unhandled', async () => {
    const { app, logs } = setUp();
    const res = await app.request('/bug');
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('INTERNAL');
    expect(body.error.message).not.toContain('undefined');
    expect(logs.some((l) => l.msg === 'unhandled error' && l.level === 50)).toBe(true);
  });

  it('answers an unknown route 404 NOT_FOUND', async () => {
    const { app } = setUp();
    const res = await app.request('/wp-login.php');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no such route' } });
  });
});
