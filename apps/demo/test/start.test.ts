/**
 * @module test/start.test
 * The command a person runs (`pnpm start` runs `tsx src/start.ts`), as a child process on free ports with a temporary
 * data folder: it prints the URL and where the demo key comes from, the pages answer, Ctrl-C (SIGINT) stops it with
 * exit code 0 and frees every port, a second run on the same ports sees the first run's orders, and a busy port
 * stops it with a message naming the variable to change.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_MERCHANT } from '@jupay/gateway-sim';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureWidgetBuilt, widgetBuildReason } from '../src/build-widget.ts';
import { freePort } from '../src/ports.ts';

const startFile = fileURLToPath(new URL('../src/start.ts', import.meta.url));
const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));
const children: ChildProcess[] = [];
let dataDir: string;
let env: Record<string, string>;
let ports: { gateway: number; signer: number; demo: number };

beforeAll(async () => {
  if (widgetBuildReason() !== null) await ensureWidgetBuilt();
  dataDir = mkdtempSync(join(tmpdir(), 'jupay-demo-start-'));
  ports = { gateway: await freePort(), signer: await freePort(), demo: await freePort() };
  env = {
    GATEWAY_PORT: String(ports.gateway),
    SIGNER_PORT: String(ports.signer),
    DEMO_PORT: String(ports.demo),
    DEMO_DATA_DIR: dataDir,
    JUPAY_LOG_LEVEL: 'silent',
  };
});
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Starts `start.ts`; `output` gathers stdout and stderr, `exited` resolves with the exit code. */
function startCommand() {
  const child = spawn(tsx, [startFile], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const state = { output: '' };
  child.stdout!.on('data', (chunk: Buffer) => (state.output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (state.output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, state, exited };
}

async function running() {
  const run = startCommand();
  await expect
    .poll(() => run.state.output, { timeout: 30_000, interval: 100 })
    .toMatch(/Press Ctrl-C to stop\.|jupay demo: /);
  expect(run.state.output).toContain('Press Ctrl-C to stop.');
  return run;
}

async function stop(run: ReturnType<typeof startCommand>): Promise<void> {
  run.child.kill('SIGINT');
  expect(await run.exited).toBe(0);
  expect(run.state.output).toContain(`Stopped. Data kept in ${dataDir}`);
  // Every port is free again, so the next run can bind them (the process is gone: nothing it forked keeps them).
  for (const port of Object.values(ports)) {
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  }
}

const shop = () => `http://127.0.0.1:${ports.demo}`;
const signer = () => `http://127.0.0.1:${ports.signer}`;

describe('pnpm start (src/start.ts)', () => {
  let orderId: string;

  it('prints the URL and the demo key’s whereabouts; the pages answer; Ctrl-C stops everything', async () => {
    const run = await running();
    const { output } = run.state;
    expect(output).toContain(`Open the shop:\n\n    ${shop()}/\n`);
    expect(output).toContain(`Merchant ${DEMO_MERCHANT.memberId}. Its key is the public demo key`);
    // Where the key lives, not the key: the signer's side never prints it.
    expect(output).not.toContain(DEMO_MERCHANT.key);
    expect(output).toContain('DEMO_MERCHANT in apps/gateway-sim/src/merchants.ts');
    expect(output).toContain(dataDir);

    const page = await fetch(`${shop()}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`<pay-button theme="light" signer="${signer()}"`);
    const bundle = await fetch(`${signer()}/pay-button.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/^text\/javascript/);
    const sim = await fetch(`http://127.0.0.1:${ports.gateway}/__sim/merchants`);
    expect(await sim.json()).toEqual([{ memberId: DEMO_MERCHANT.memberId, name: DEMO_MERCHANT.name }]);

    const checkout = await fetch(`${signer()}/api/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: shop() },
      body: JSON.stringify({ bankCode: '903', amount: '12.34' }),
    });
    expect(checkout.status).toBe(201);
    ({ orderId } = (await checkout.json()) as { orderId: string });

    await stop(run);
  }, 60_000);

  it('a second run on the same ports keeps the data', async () => {
    expect(orderId).toBeDefined();
    const run = await running();
    const status = await fetch(`${signer()}/api/orders/${orderId}`, { headers: { origin: shop() } });
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({ orderId, status: 'NOTPAY', amountFen: 1234 });
    await stop(run);
  }, 60_000);

  it.each([
    ['gateway', 'The gateway simulator', 'GATEWAY_PORT'],
    ['signer', 'The signer', 'SIGNER_PORT'],
    ['demo', 'The demo shop', 'DEMO_PORT'],
  ] as const)(
    'a busy %s port: a clear message naming the variable, exit code 1, no hang',
    async (which, what, variable) => {
      const busy = await new Promise<Server>((resolve) => {
        const server = createServer();
        server.listen(ports[which], '127.0.0.1', () => resolve(server));
      });
      try {
        const run = startCommand();
        expect(await run.exited).toBe(1);
        expect(run.state.output).toContain(
          `jupay demo: ${what} port ${ports[which]} is in use (another demo still running?). Stop it or set ${variable}=<port>.`,
        );
        // It exits rather than hanging with half the stack up; nothing keeps the other ports.
        for (const [name, port] of Object.entries(ports)) {
          if (name !== which) await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
        }
      } finally {
        await new Promise((resolve) => busy.close(resolve));
      }
    },
    60_000,
  );
});
