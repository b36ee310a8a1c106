/**
 * @module server.test
 * The standalone server: starts with flags, prints its URL and the merchant credentials, stops on SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const serverFile = fileURLToPath(new URL('./server.ts', import.meta.url));
const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));
let child: ChildProcess | undefined;

afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

describe('server.ts', () => {
  it('prints URL and credentials, serves, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    child = spawn(tsx, [serverFile, '--port', String(port), '--merchants', '10002:k1,10005:k5:Shop E'], {
      env: { ...process.env, GATEWAY_PORT: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start line; output: ${output}`)), 15_000);
      child!.stdout!.on('data', () => {
        if (output.includes('merchant: memberId=10005')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    expect(output).toContain(`listening on http://127.0.0.1:${port}`);
    expect(output).toContain('merchant: memberId=10002 key=k1');
    expect(output).toContain('merchant: memberId=10005 key=k5 (Shop E)');
    const merchants = await (await fetch(`http://127.0.0.1:${port}/__sim/merchants`)).json();
    expect(merchants).toEqual([
      { memberId: '10002', name: null },
      { memberId: '10005', name: 'Shop E' },
    ]);
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 20_000);
});
