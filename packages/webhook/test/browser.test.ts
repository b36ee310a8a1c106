/**
 * @module browser.test
 * The package bundled for the browser (esbuild, `browser` platform: a Node built-in would fail the bundle), served
 * from 127.0.0.1 and run in Debian's Chromium, in a page and in a module Web Worker (no DOM: the closest this
 * machine has to a Workers isolate). In both it verifies a signer vector, refuses a tampered body and signs exactly
 * as the signer did.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretOf, vectors } from './helpers/vectors.ts';

const ENTRY = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const W1 = vectors.vectors[0]!;

// What runs in the page and in the worker, against the bundle.
const CHECKS = `import * as m from './webhook.js';
export function run(W1, SECRET) {
  const results = {};
  results.type = m.verifyWebhook(W1.body, W1.header, SECRET, { now: W1.timestamp }).type;
  try {
    m.verifyWebhook(W1.body.replace('"amountFen":1230', '"amountFen":1231'), W1.header, SECRET, { now: W1.timestamp });
    results.tampered = 'accepted';
  } catch (error) {
    results.tampered = error.code;
  }
  results.header = m.signWebhook(new TextEncoder().encode(W1.body), SECRET, { timestamp: W1.timestamp });
  results.hasProcess = typeof process !== 'undefined';
  results.hasDocument = typeof document !== 'undefined';
  return results;
}`;
const WORKER = `import { run } from './checks.js';
onmessage = (event) => postMessage(run(event.data.W1, event.data.SECRET));`;

let browser: Browser;
let bundle: string;
let server: Server;
let origin: string;

beforeAll(async () => {
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    logLevel: 'silent',
  });
  bundle = result.outputFiles[0]!.text;
  const files: Record<string, [string, string]> = {
    '/': ['text/html', '<!doctype html><title>webhook</title>'],
    '/webhook.js': ['text/javascript', bundle],
    '/checks.js': ['text/javascript', CHECKS],
    '/worker.js': ['text/javascript', WORKER],
  };
  server = createServer((req, res) => {
    const file = files[req.url ?? ''];
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file[0] }).end(file[1]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
});

afterAll(async () => {
  await browser?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

describe('in Chromium', () => {
  it('bundles without Node built-ins', () => {
    expect(bundle).not.toMatch(/node:|require\(/);
  });

  it('verifies and signs in a page and in a module worker', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${origin}/`);
      // A string, not a function: vitest rewrites import() in test code, and this one runs in Chromium.
      const out = await page.evaluate(`(async () => {
        const input = { W1: ${JSON.stringify(W1)}, SECRET: ${JSON.stringify(secretOf(W1))} };
        const { run } = await import('/checks.js');
        const inPage = run(input.W1, input.SECRET);
        const worker = new Worker('/worker.js', { type: 'module' });
        const inWorker = await new Promise((resolve) => {
          worker.onmessage = (event) => resolve(event.data);
          worker.onerror = (event) => resolve({ error: String(event.message) });
          worker.postMessage(input);
        });
        worker.terminate();
        return { inPage, inWorker };
      })()`);
      const expected = {
        type: 'order.paid',
        tampered: 'BAD_SIGNATURE',
        header: W1.header,
        hasProcess: false,
      };
      expect(out).toEqual({
        inPage: { ...expected, hasDocument: true },
        inWorker: { ...expected, hasDocument: false },
      });
    } finally {
      await page.close();
    }
  });
});
