/**
 * @module test/server.test
 * The standalone server: starts with flags, prints its URL and the merchant credentials, stops on SIGTERM; refuses
 * a re-send count outside 0-3 and says clearly when its port is taken.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const serverFile = fileURLToPath(new URL('../src/server.ts', import.meta.url));
const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));
let child: ChildProcess | undefined;

afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
});

function listenOnFreePort(): Promise<Server> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => resolve(probe));
  });
}

async function freePort(): Promise<number> {
  const probe = await listenOnFreePort();
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Spawns server.ts; `output` collects stdout and stderr, `exited` resolves with the exit code. */
function run(args: string[], env: Record<string, string> = {}) {
  child = spawn(tsx, [serverFile, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const state = { output: '' };
  child.stdout!.on('data', (chunk: Buffer) => (state.output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (state.output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
  return { state, exited, process: child };
}

describe('server.ts', () => {
  it('prints URL and credentials, serves, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const {
      state,
      exited,
      process: server,
    } = run(['--port', String(port), '--merchants', '10002:k1,10005:k5:Shop E'], { GATEWAY_PORT: '1' });
    await expect
      .poll(() => state.output, { timeout: 15_000, interval: 50 })
      .toContain('merchant: memberId=10005');
    expect(state.output).toContain(`listening on http://127.0.0.1:${port}`);
    expect(state.output).toContain('merchant: memberId=10002 key=k1');
    expect(state.output).toContain('merchant: memberId=10005 key=k5 (Shop E)');
    const merchants = await (await fetch(`http://127.0.0.1:${port}/__sim/merchants`)).json();
    expect(merchants).toEqual([
      { memberId: '10002', name: null },
      { memberId: '10005', name: 'Shop E' },
    ]);
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 20_000);

  it('starts several gateways with --gateway (repeatable, or ; in one value), each on its port', async () => {
    const [portA, portB, portC] = [await freePort(), await freePort(), await freePort()];
    const {
      state,
      exited,
      process: server,
    } = run([
      '--gateway',
      `a=${portA}/10002:key-a-1234`,
      '--gateway',
      `b=${portB}/10002:key-b-5678;c=${portC}/10007:key-c-9012:Shop C`,
    ]);
    await expect
      .poll(() => state.output, { timeout: 15_000, interval: 50 })
      .toContain('/__sim/fleet (any member)');
    expect(state.output).toContain(`jupay gateway-sim a listening on http://127.0.0.1:${portA}`);
    expect(state.output).toContain(`jupay gateway-sim b listening on http://127.0.0.1:${portB}`);
    expect(state.output).toContain('merchant: memberId=10007 key=key-c-9012 (Shop C)');
    const fleet = (await (await fetch(`http://127.0.0.1:${portC}/__sim/fleet`)).json()) as {
      id: string;
      url: string;
    }[];
    expect(fleet.map((g) => [g.id, g.url])).toEqual([
      ['a', `http://127.0.0.1:${portA}`],
      ['b', `http://127.0.0.1:${portB}`],
      ['c', `http://127.0.0.1:${portC}`],
    ]);
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 20_000);

  it('refuses --gateway with --port, and a malformed --gateway without echoing it', async () => {
    const both = run(['--gateway', 'a=0/10002:k1', '--port', '0']);
    expect(await both.exited).toBe(1);
    expect(both.state.output).toContain('--gateway gives each gateway its port and merchants');
    const bad = run(['--gateway', 'a:secret-key-zzz']);
    expect(await bad.exited).toBe(1);
    expect(bad.state.output).toContain(
      '--gateway (GATEWAY_FLEET): gateway entry 1 is not id=port/memberId:key[:name],...',
    );
    expect(bad.state.output).not.toContain('secret-key-zzz');
  }, 20_000);

  it.each([
    [['--resend-count', '4'], {}],
    [[], { GATEWAY_RESEND_COUNT: '-1' }],
  ])(
    'refuses a re-send count outside 0-3 (%j %j)',
    async (args, env) => {
      const { state, exited } = run(['--port', '0', ...args], env);
      expect(await exited).toBe(1);
      expect(state.output).toMatch(
        /--resend-count \(GATEWAY_RESEND_COUNT\) must be a whole number from 0 to 3/,
      );
      expect(state.output).not.toContain('listening');
    },
    20_000,
  );

  it('says which port is taken and how to change it', async () => {
    const busy = await listenOnFreePort();
    try {
      const { port } = busy.address() as { port: number };
      const { state, exited } = run(['--port', String(port)]);
      expect(await exited).toBe(1);
      expect(state.output).toContain(`gateway-sim: port ${port} is in use`);
      expect(state.output).toContain('--port / GATEWAY_PORT');
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  }, 20_000);
});
