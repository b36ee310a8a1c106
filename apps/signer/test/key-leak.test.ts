/**
 * @module key-leak.test
 * The key must never appear in a response or a log line. Every test file of the signer captures its responses and
 * log lines through the harness, and `test/helpers/leak-guard.ts` (a vitest setup file) scans them after the file;
 * this file proves the scan catches a leak, then drives every route and error path and scans that output too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeForm } from '@jupay/core';
import { describe, expect, it } from 'vitest';
import { TEST_SECRETS } from './helpers/leak-guard.ts';
import { capturedCount, findSecret, findSecretIn, leakLog, settleCaptures } from './helpers/leak-log.ts';
import { startWebhookReceiver } from './helpers/webhook-receiver.ts';
import { signWebhook } from '@jupay/webhook';
import { checkout, createTestSigner, listen, SHOP_ORIGIN } from './helpers/signer-harness.ts';
import { notificationBody, TEST_KEY } from './helpers/notifications.ts';

describe('the leak scan', () => {
  it('finds a key however it is written, and passes clean text', () => {
    const secrets = [TEST_KEY];
    for (const text of [
      `{"msg":"key=${TEST_KEY}"}`,
      `error: ${TEST_KEY.toUpperCase()}`,
      `body=${encodeURIComponent(TEST_KEY)}`,
    ]) {
      expect(findSecretIn([{ where: 'planted', text }], secrets)).toEqual({
        where: 'planted',
        secret: TEST_KEY,
      });
    }
    expect(findSecretIn([{ where: 'clean', text: 'key=[redacted] sign=ABC' }], secrets)).toBeUndefined();
  });
});

describe('the guard setup', () => {
  it('registers every key and webhook secret literal found in the signer test files', () => {
    const signerDir = join(dirname(fileURLToPath(import.meta.url)), '..');
    // Every test file, in src/ beside the code and in test/, and every helper they share.
    const files = ['src', 'test'].flatMap((top) =>
      (readdirSync(join(signerDir, top), { recursive: true }) as string[])
        .map((f) => join(top, f))
        .filter(
          (f) => f.endsWith('.test.ts') || (f.startsWith(join('test', 'helpers')) && f.endsWith('.ts')),
        ),
    );
    expect(files).toContain(join('test', 'helpers', 'notifications.ts'));
    const found = new Map<string, string>();
    // `SECRET = '...'`, `JUPAY_WEBHOOK_SECRET: '...'`, `secret: '...'`, `JUPAY_KEY: '...'`, `TEST_KEY = '...'`.
    const literal = /\b(?:\w*SECRET|secret|JUPAY_KEY|\w*_KEY|key)\s*[:=]\s*'((?:[^'\\]|\\.){16,})'/g;
    for (const file of files) {
      const text = readFileSync(join(signerDir, file), 'utf8');
      for (const match of text.matchAll(literal)) found.set(match[1]!.replace(/\\(.)/g, '$1'), file);
    }
    expect(found.size).toBeGreaterThanOrEqual(7);
    for (const [secret, file] of found) expect(TEST_SECRETS, `a secret of ${file}`).toContain(secret);
    for (const secret of TEST_SECRETS) expect(leakLog.secrets.has(secret)).toBe(true);
  });

  it('captures fetch responses and webhook bodies, so a secret in either would fail the file', async () => {
    const secret = 'whsec_fulfilment_0123456789';
    const receiver = await startWebhookReceiver(secret);
    try {
      const body = JSON.stringify({
        id: 'evt_1',
        type: 'order.paid',
        createdAt: '2024-03-01T04:00:00.000Z',
        data: {
          orderId: 'E20240301120000654321',
          amountFen: 1,
          amount: '0.01',
          bankCode: '902',
          transactionId: 'T1',
          paidAt: '2024-03-01T04:00:00.000Z',
          paidVia: 'notify',
        },
      });
      const response = await fetch(receiver.url, {
        method: 'POST',
        headers: { 'jupay-signature': signWebhook(body, secret) },
        body,
      });
      expect(await response.text()).toBe('ok');
    } finally {
      await receiver.close();
    }
    await settleCaptures();
    const mine = leakLog.captured.filter(
      (c) =>
        (c.where === 'webhook received' && c.text.includes('evt_1')) ||
        (c.where === `fetch POST ${receiver.url}` && c.text.endsWith('ok')),
    );
    expect(mine.map((c) => c.where)).toEqual(['webhook received', `fetch POST ${receiver.url}`]);
    // The same texts with the secret in them are what the guard would report.
    expect(
      findSecretIn(
        mine.map((c) => ({ ...c, text: `${c.text} ${secret}` })),
        TEST_SECRETS,
      ),
    ).toEqual({
      where: 'webhook received',
      secret,
    });
  });
});

describe('every route and error path', () => {
  it('keeps the key out of every response and log line', async () => {
    const t = await createTestSigner({ JUPAY_LOG_LEVEL: 'trace', JUPAY_RATE_LIMIT_CHECKOUT: '3' });
    const http = await listen(t.fetch);
    const before = capturedCount();
    try {
      const { orderId } = await checkout(t);
      const requests: [string, RequestInit?][] = [
        ['/api/config', { headers: { origin: SHOP_ORIGIN } }],
        ['/api/config', { headers: { origin: 'https://evil.example' } }],
        ['/api/checkout', { method: 'OPTIONS', headers: { origin: SHOP_ORIGIN } }],
        [
          '/api/checkout',
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{"bankCode":"903","amount":"1"}',
          },
        ],
        [
          '/api/checkout',
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{"bankCode":"903","amount":"1.001"}',
          },
        ],
        ['/api/checkout', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' }],
        [
          '/api/checkout',
          { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1,"a":2}' },
        ],
        ['/api/checkout', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }],
        ['/api/checkout', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }],
        [`/api/orders/${orderId}`],
        ['/api/orders/E0000000000000000404'],
        ['/api/notify', { method: 'POST', body: notificationBody({ orderid: orderId }) }],
        ['/api/notify', { method: 'POST', body: notificationBody({ orderid: orderId }) }],
        ['/api/notify', { method: 'POST', body: notificationBody({ orderid: orderId }, 'wrong-key-1234') }],
        ['/api/notify', { method: 'POST', body: notificationBody({ orderid: orderId, amount: '1.0000' }) }],
        ['/api/notify', { method: 'POST', body: notificationBody({ orderid: orderId, memberid: '10009' }) }],
        ['/api/notify', { method: 'POST', body: 'garbage%zz' }],
        [`/api/notify?${notificationBody({ orderid: orderId })}`],
        [
          '/api/return',
          {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: encodeForm({ orderid: orderId }),
          },
        ],
        [`/api/return?${notificationBody({ orderid: orderId })}`],
        ['/healthz'],
        ['/nope'],
      ];
      for (const [path, init] of requests) {
        await t.fetch(new Request(`${http.url}${path}`, init));
      }
      // And once over the socket, where the node adapter writes the response.
      const real = await fetch(`${http.url}/api/checkout`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"bankCode":"903","amount":"2"}',
      });
      expect(await real.text()).not.toContain(TEST_KEY);

      // A store error whose message holds the key (it must not, but if it did): generic reply, scrubbed log.
      t.store.getOrder = async () => {
        throw new Error(`failure ${TEST_KEY}`);
      };
      t.store.applyNotification = async () => {
        throw new Error(`failure ${TEST_KEY}`);
      };
      const internal = await t.request(`/api/orders/${orderId}`);
      expect(internal.status).toBe(500);
      const notify = await t.request('/api/notify', {
        method: 'POST',
        body: notificationBody({ orderid: orderId }),
      });
      expect(await notify.text()).toBe('FAIL');
    } finally {
      await http.close();
      await t.close();
    }
    // Enough output was actually scanned: responses of every request above plus their log lines.
    expect(capturedCount() - before).toBeGreaterThan(50);
    expect(t.logs.some((l) => l.includes('failure [redacted]'))).toBe(true);
    const notifyError = t.logs.filter((l) => l.includes('could not apply the notification'));
    expect(notifyError).toHaveLength(1);
    expect(notifyError[0]).toContain('failure [redacted]');
    expect(findSecret()).toBeUndefined();
  });
});
