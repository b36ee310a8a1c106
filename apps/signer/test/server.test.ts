/** @module server.test — the standalone server: start, graceful shutdown, and the command line's exits. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load-config.ts';
import { startServer, StartupError } from '../src/server.ts';
import { SQLITE_MIGRATIONS } from '../src/store/sqlite-migrations.ts';
import { openSqliteStore } from '../src/store/sqlite-store.ts';
import { captureText } from './helpers/leak-log.ts';
import { baseEnv } from './helpers/signer-harness.ts';
import { TEST_KEY } from './helpers/notifications.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'jupay-server-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const silent = {
  write(line: string) {
    captureText('server log', line);
  },
};

describe('startServer', () => {
  it('creates and migrates the SQLite store, serves, and closes it on shutdown', async () => {
    const dir = tempDir();
    const path = join(dir, 'nested', 'signer.db');
    const running = await startServer(loadConfig(baseEnv({ JUPAY_STORE: path, PORT: '0' })), {
      logDestination: silent,
    });
    const health = await fetch(`${running.url}/healthz`);
    expect(await health.json()).toMatchObject({
      status: 'ok',
      store: true,
      widget: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    await running.close();
    expect(await running.signer.store.ping()).toBe(false);
    // The file holds the newest schema after the process let go of it.
    const reopened = openSqliteStore(path);
    expect(reopened.schemaVersion()).toBe(SQLITE_MIGRATIONS.at(-1)!.version);
    await reopened.close();
  });

  it('finishes requests in flight before it stops, and refuses new connections', async () => {
    const dir = tempDir();
    const store = openSqliteStore(join(dir, 'signer.db'));
    await store.migrate();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const getOrder = store.getOrder.bind(store);
    store.getOrder = async (id) => {
      entered();
      await gate;
      return getOrder(id);
    };
    const running = await startServer(loadConfig(baseEnv({ PORT: '0' })), { store, logDestination: silent });
    const inFlight = fetch(`${running.url}/api/orders/E0000000000000000404`);
    await inside;
    let closed = false;
    const closing = running.close().then(() => (closed = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(closed).toBe(false);
    await expect(fetch(`${running.url}/healthz`)).rejects.toThrow();
    release();
    const res = await inFlight;
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('ORDER_NOT_FOUND');
    await closing;
    expect(closed).toBe(true);
    await store.close();
  });
});

describe('start-up failures name the setting', () => {
  async function startupError(env: Record<string, string | undefined>): Promise<StartupError> {
    const error = await startServer(loadConfig(baseEnv(env)), { logDestination: silent }).then(
      () => {
        throw new Error('the signer started');
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StartupError);
    captureText('startup error', (error as Error).message);
    return error as StartupError;
  }

  it('JUPAY_STORE: a database that cannot be reached, with the password masked', async () => {
    const error = await startupError({ JUPAY_STORE: 'postgres://jupay:s3cret-pw@127.0.0.1:1/x' });
    expect(error.setting).toBe('JUPAY_STORE');
    expect(error.message).toMatch(
      /^JUPAY_STORE: cannot open or migrate postgres:\/\/jupay:\*\*\*@127\.0\.0\.1:1\/x \(.*ECONNREFUSED/,
    );
    expect(error.message).not.toContain('s3cret-pw');
  });

  it('JUPAY_STORE: an SQLite file that cannot be created', async () => {
    const dir = tempDir();
    // A file where the database's directory should be: neither the directory nor the file can be created.
    writeFileSync(join(dir, 'blocker'), '');
    const error = await startupError({ JUPAY_STORE: join(dir, 'blocker', 'signer.db') });
    expect(error.setting).toBe('JUPAY_STORE');
    expect(error.message).toMatch(/^JUPAY_STORE: cannot open or migrate .*blocker\/signer\.db \(/);
  });

  it('PORT: a port already in use', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as AddressInfo).port;
    try {
      const error = await startupError({ PORT: String(port), HOST: '127.0.0.1' });
      expect(error.setting).toBe('PORT');
      expect(error.message).toBe(`PORT: ${port} is already in use on 127.0.0.1`);
    } finally {
      busy.close();
    }
  });

  it('HOST: an address of another machine, or a name that does not resolve', async () => {
    const foreign = await startupError({ PORT: '0', HOST: '192.0.2.1' });
    expect(foreign.message).toBe('HOST: 192.0.2.1 is not an address of this machine');
    const unknown = await startupError({ PORT: '0', HOST: 'not-a-host.invalid' });
    expect(unknown.setting).toBe('HOST');
    expect(unknown.message).toMatch(/^HOST: not-a-host\.invalid does not resolve \((ENOTFOUND|EAI_AGAIN)\)$/);
  });
});

describe('server errors after start', () => {
  it('are logged, every one of them, and do not crash the process', async () => {
    const lines: string[] = [];
    const running = await startServer(loadConfig(baseEnv({ PORT: '0', JUPAY_STORE: ':memory:' })), {
      logDestination: {
        write(line: string) {
          captureText('server log', line);
          lines.push(line);
        },
      },
    });
    try {
      expect(() => running.server.emit('error', new Error('accept failed: EMFILE'))).not.toThrow();
      expect(() => running.server.emit('error', new Error('accept failed again'))).not.toThrow();
      const logged = lines
        .map((l) => JSON.parse(l) as { msg: string; level: number; err?: { message: string } })
        .filter((l) => l.msg === 'server error');
      expect(logged.map((l) => [l.level, l.err?.message])).toEqual([
        [50, 'accept failed: EMFILE'],
        [50, 'accept failed again'],
      ]);
      // Still serving.
      expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
    } finally {
      await running.close();
    }
  });
});

describe('the command line', () => {
  const cliFile = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

  function run(
    env: Record<string, string | undefined>,
    onStdout?: (text: string, kill: () => void) => void,
    deadlineMs = 15_000,
  ) {
    const cwd = tempDir();
    const child = spawn(process.execPath, ['--import', tsx, cliFile, 'start'], {
      cwd,
      env: { PATH: process.env.PATH, ...env } as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // A child that hangs is killed (by its own PID) so the test fails on its exit code, not on a timeout.
    const deadline = setTimeout(() => child.kill('SIGKILL'), deadlineMs);
    child.once('exit', () => clearTimeout(deadline));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      onStdout?.(stdout, () => child.kill('SIGTERM'));
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      child.on('exit', (code) => {
        captureText('cli stdout', stdout);
        captureText('cli stderr', stderr);
        resolve({ code, stdout, stderr });
      });
    });
  }

  it('exits 1 naming the missing setting, without printing the key', async () => {
    const result = await run(baseEnv({ JUPAY_MEMBER_ID: undefined, JUPAY_STORE: undefined }));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^jupay-signer: invalid configuration \(no env file: looked for \S+\/\.env, \/etc\/jupay\/signer\.env; read the environment only\):\n {2}JUPAY_MEMBER_ID \(not set in the environment\) is required\n$/,
    );
    expect(result.stdout).toBe('');
  });

  it('exits 1 naming JUPAY_STORE when the store cannot be opened, without the password', async () => {
    const result = await run(baseEnv({ JUPAY_STORE: 'postgres://jupay:s3cret-pw@127.0.0.1:1/x' }));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^jupay-signer: failed to start: JUPAY_STORE: cannot open or migrate postgres:\/\/jupay:\*\*\*@127\.0\.0\.1:1\/x \(/,
    );
    expect(result.stdout + result.stderr).not.toContain('s3cret-pw');
  });

  it.each(['/proc/jupay-signer-test/data/signer.db', '/proc/signer.db', '/sys/signer.db'])(
    'exits 1 within seconds naming JUPAY_STORE for an unwritable special path (%s)',
    async (path) => {
      const started = Date.now();
      const result = await run(baseEnv({ JUPAY_STORE: path }), undefined, 8_000);
      expect(Date.now() - started).toBeLessThan(8_000);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^jupay-signer: failed to start: JUPAY_STORE: cannot open or migrate \/(proc|sys)\//,
      );
    },
  );

  it('serves until SIGTERM, then shuts down cleanly with exit code 0', async () => {
    let healthy: unknown;
    const result = await run(baseEnv({ PORT: '0', JUPAY_STORE: 'data/signer.db' }), (text, kill) => {
      const match = /"url":"(http:\/\/[^"]+)"/.exec(text);
      if (match && healthy === undefined) {
        healthy = null;
        void fetch(`${match[1]}/healthz`)
          .then((r) => r.json())
          .then((body) => {
            healthy = body;
            kill();
          });
      }
    });
    expect(healthy).toMatchObject({
      status: 'ok',
      store: true,
      widget: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    expect(result.code).toBe(0);
    const messages = result.stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { msg: string }).msg);
    const milestones = ['signer listening', 'shutting down', 'signer stopped'];
    expect(messages.filter((m) => milestones.includes(m))).toEqual(milestones);
    expect(messages).toContain('request');
    expect(result.stdout + result.stderr).not.toContain(TEST_KEY);
  });
});
