/**
 * @module nginx.test
 * The signer behind Debian's nginx with the shipped `deploy/nginx.conf` (its TLS lines left out, the ports made
 * free ones), over real HTTP: the gateway simulator's notification passes through to `OK`, the rate limit counts
 * each client by the address nginx puts in X-Forwarded-For (clients on 127.0.0.2 and 127.0.0.3; a forged header
 * changes nothing), the widget arrives compressed, and the console, metrics and anything else stay closed.
 * nginx is installed by `scripts/ensure-test-tools.mjs` (run by `pnpm test`) when missing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { encodeForm } from '@jupay/core';
import { createGatewaySim, type GatewaySim, type RunningGatewaySim } from '@jupay/gateway-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load-config.ts';
import { startServer, type RunningSigner } from '../src/server.ts';
import { DEFAULT_WIDGET_FILE } from '../src/widget/widget-asset.ts';
import { freePort } from './helpers/free-port.ts';
import { baseEnv } from './helpers/signer-harness.ts';
import { captureText } from './helpers/leak-log.ts';

const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';
const SHIPPED = fileURLToPath(new URL('../../../deploy/nginx.conf', import.meta.url));

let dir: string;
let sim: GatewaySim;
let gateway: RunningGatewaySim;
let signer: RunningSigner;
let nginx: ChildProcess;
let proxyUrl: string;

/** The shipped site file as the test runs it: without its TLS lines, on free ports. */
function testSite(nginxPort: number, signerPort: number): string {
  const shipped = readFileSync(SHIPPED, 'utf8');
  expect(shipped).toContain('server 127.0.0.1:4200;');
  return shipped
    .split('\n')
    .filter((line) => !/#\s*TLS\s*$/.test(line))
    .join('\n')
    .replace('server 127.0.0.1:4200;', `server 127.0.0.1:${signerPort};`)
    .replace(/server \{\n/, `server {\n    listen 127.0.0.1:${nginxPort};\n`);
}

interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** One HTTP request from a chosen local address (loopback has all of 127/8), the body as bytes. */
function send(
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; from?: string } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, proxyUrl);
    const req = httpRequest(
      url,
      {
        method: options.method ?? 'GET',
        headers: options.headers ?? {},
        localAddress: options.from ?? '127.0.0.1',
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          captureText(`nginx ${path}`, `${JSON.stringify(res.headers)}\n${body.toString('latin1')}`);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

function checkoutFrom(from: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
  return send('/api/checkout', {
    method: 'POST',
    from,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ bankCode: '903', amount: '1.00' }),
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nginx did not listen on ${port} in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  if (!existsSync(NGINX)) {
    throw new Error(
      `nginx is missing at ${NGINX}: run node scripts/ensure-test-tools.mjs nginx (pnpm test does) or set NGINX_PATH`,
    );
  }
  dir = mkdtempSync(join(tmpdir(), 'jupay-nginx-'));
  sim = createGatewaySim({ resendCount: 0 });
  gateway = await sim.start({ port: 0, hostname: '127.0.0.1' });
  const [nginxPort, signerPort] = [await freePort(), await freePort()];
  proxyUrl = `http://127.0.0.1:${nginxPort}`;
  signer = await startServer(
    loadConfig(
      baseEnv({
        JUPAY_GATEWAY_URL: `${gateway.url}/Pay_Index.html`,
        // What the gateway and browsers see: the proxy.
        JUPAY_PUBLIC_URL: proxyUrl,
        JUPAY_TRUSTED_PROXY_HEADER: 'X-Forwarded-For',
        JUPAY_RATE_LIMIT_CHECKOUT: '2',
        JUPAY_RECONCILE_SCHEDULE: 'off',
        JUPAY_STORE: join(dir, 'signer.db'),
        JUPAY_LOG_LEVEL: 'silent',
        PORT: String(signerPort),
      }),
    ),
  );

  const prefix = join(dir, 'nginx');
  mkdirSync(join(prefix, 'tmp'), { recursive: true });
  writeFileSync(join(prefix, 'jupay-signer.conf'), testSite(nginxPort, signerPort));
  writeFileSync(
    join(prefix, 'nginx.conf'),
    [
      // One process as this user, in the foreground: the test's child, ended by its PID.
      'daemon off;',
      'master_process off;',
      `pid ${prefix}/nginx.pid;`,
      `error_log ${prefix}/error.log warn;`,
      'events { worker_connections 256; }',
      'http {',
      `  access_log ${prefix}/access.log;`,
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
        (t) => `  ${t}_temp_path ${prefix}/tmp/${t};`,
      ),
      `  include ${prefix}/jupay-signer.conf;`,
      '}',
      '',
    ].join('\n'),
  );
  nginx = spawn(NGINX, ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-e', join(prefix, 'error.log')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  nginx.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  nginx.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await Promise.race([
    waitForPort(nginxPort, 10_000),
    new Promise((_, reject) =>
      nginx.once('exit', (code) => reject(new Error(`nginx exited (${code}): ${output}`))),
    ),
  ]);
}, 60_000);

afterAll(async () => {
  if (nginx && nginx.exitCode === null) {
    const exited = new Promise((resolve) => nginx.once('exit', resolve));
    process.kill(nginx.pid!, 'SIGQUIT');
    await exited;
  }
  await signer?.close();
  await gateway?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the signer behind nginx (deploy/nginx.conf)', () => {
  it('passes the gateway notification through: checkout, cashier, pay, OK, paid', async () => {
    const answer = await checkoutFrom('127.0.0.4');
    expect(answer.status).toBe(201);
    const order = JSON.parse(answer.body.toString('utf8')) as {
      orderId: string;
      action: string;
      fields: Record<string, string>;
    };
    // The notify URL the gateway is given is the proxy's.
    expect(order.fields.pay_notifyurl).toBe(`${proxyUrl}/api/notify`);
    const cashier = await fetch(order.action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: encodeForm(order.fields),
    });
    expect(cashier.status).toBe(200);
    const attempts = await (await sim.controls.pay(order.orderId)).delivery;
    expect(attempts.map((a) => [a.url, a.status, a.response, a.received])).toEqual([
      [`${proxyUrl}/api/notify`, 200, 'OK', true],
    ]);
    const status = await send(`/api/orders/${order.orderId}`);
    expect(JSON.parse(status.body.toString('utf8'))).toMatchObject({ status: 'PAID' });
  });

  it('counts each client by its own address, and a forged X-Forwarded-For changes nothing', async () => {
    // JUPAY_RATE_LIMIT_CHECKOUT=2: the third checkout from one client is refused, another client is not.
    expect((await checkoutFrom('127.0.0.2')).status).toBe(201);
    expect((await checkoutFrom('127.0.0.2', { 'x-forwarded-for': '203.0.113.9' })).status).toBe(201);
    const third = await checkoutFrom('127.0.0.2', { 'x-forwarded-for': '198.51.100.1, 203.0.113.10' });
    expect(third.status).toBe(429);
    expect(JSON.parse(third.body.toString('utf8'))).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
    expect((await checkoutFrom('127.0.0.3')).status).toBe(201);
    expect((await checkoutFrom('127.0.0.3')).status).toBe(201);
    expect((await checkoutFrom('127.0.0.3')).status).toBe(429);
  });

  it('sends the widget compressed to a browser that accepts it, and as is to one that does not', async () => {
    const bundle = readFileSync(DEFAULT_WIDGET_FILE);
    const compressed = await send('/pay-button.js', { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(compressed.status).toBe(200);
    const encoding = compressed.headers['content-encoding'];
    expect(['br', 'gzip']).toContain(encoding);
    expect(compressed.headers.vary).toMatch(/Accept-Encoding/i);
    expect(compressed.body.length).toBeLessThan(bundle.length / 2);
    const decoded = encoding === 'br' ? brotliDecompressSync(compressed.body) : gunzipSync(compressed.body);
    expect(decoded.equals(bundle)).toBe(true);
    expect(compressed.headers['content-type']).toMatch(/^text\/javascript/);

    const plain = await send('/pay-button.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(bundle)).toBe(true);
  });

  it('keeps the console, metrics and other paths closed, /healthz local, and big bodies out', async () => {
    expect((await send('/admin')).status).toBe(403);
    expect((await send('/admin/orders')).status).toBe(403);
    expect((await send('/metrics')).status).toBe(403);
    expect((await send('/')).status).toBe(404);
    expect((await send('/healthz')).status).toBe(200);
    const big = await send('/api/notify', { method: 'POST', body: 'x'.repeat(20_000) });
    expect(big.status).toBe(413);
  });
});
