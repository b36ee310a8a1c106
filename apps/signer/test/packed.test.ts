/**
 * @module packed.test
 * The signer as a merchant installs it: `pnpm pack` of @jupay/core, @jupay/webhook and @jupay/signer, `npm install` of the three
 * tarballs into an empty folder outside the workspace (its other dependencies from the npm registry, better-sqlite3
 * compiled there), then `npx jupay-signer` on plain Node: `check` and `snippet`, and `start --env-file FILE`
 * taking a payment through the gateway simulator. No TypeScript and no loader is installed or needed.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeForm } from '@jupay/core';
import { createGatewaySim, type GatewaySim, type RunningGatewaySim } from '@jupay/gateway-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './helpers/free-port.ts';
import { captureText } from './helpers/leak-log.ts';
import { DEMO } from './helpers/sim-orders.ts';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const WORKSPACE_BUNDLE = join(REPO, 'packages/pay-button/dist/pay-button.js');

let root: string;
let app: string;
let tarballs: { core: string; webhook: string; signer: string };
let sim: GatewaySim;
let gateway: RunningGatewaySim;
let envFile: string;
let port: number;

/** npm and pnpm without the npm_config_* settings pnpm hands to the scripts it runs (they are not npm's). */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_config_/i.test(name)));
  return { ...env, ...extra };
}

function pack(dir: string, into: string): string {
  const output = execFileSync('pnpm', ['pack', '--pack-destination', into], {
    cwd: join(REPO, dir),
    encoding: 'utf8',
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tarball = output
    .trim()
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.endsWith('.tgz'))
    .pop();
  if (!tarball) throw new Error(`no tarball in the pack output of ${dir}:\n${output}`);
  return tarball;
}

/**
 * Runs `npx jupay-signer ...` in the install folder. Asynchronous: the simulator it talks to runs in this process.
 */
function npx(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('npx', ['--no-install', 'jupay-signer', ...args], {
      cwd: app,
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('close', (code) => {
      captureText('packed signer output', `${stdout}\n${stderr}`);
      resolve({ code, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'jupay-signer-packed-'));
  const into = join(root, 'tarballs');
  app = join(root, 'shop-signer');
  mkdirSync(into);
  mkdirSync(app);
  // `pnpm pack` runs each package's build first (prepack).
  tarballs = {
    core: pack('packages/core', into),
    webhook: pack('packages/webhook', into),
    signer: pack('apps/signer', into),
  };
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'shop-signer', private: true }));
  execFileSync(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      tarballs.core,
      tarballs.webhook,
      tarballs.signer,
    ],
    {
      cwd: app,
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );

  sim = createGatewaySim({ resendCount: 0 });
  gateway = await sim.start({ port: 0, hostname: '127.0.0.1' });
  port = await freePort();
  envFile = join(app, 'signer.env');
  writeFileSync(
    envFile,
    [
      `JUPAY_MEMBER_ID=${DEMO.memberId}`,
      `JUPAY_KEY=${DEMO.key}`,
      `JUPAY_GATEWAY_URL=${gateway.url}/Pay_Index.html`,
      `JUPAY_PUBLIC_URL=http://127.0.0.1:${port}`,
      'JUPAY_RETURN_URL=https://shop.example/thanks',
      'JUPAY_BANK_CODES=902,903',
      'JUPAY_STORE=./data/signer.db',
      `PORT=${port}`,
      'JUPAY_RECONCILE_SCHEDULE=off',
      '',
    ].join('\n'),
  );
}, 400_000);

afterAll(async () => {
  await gateway?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('the packed and installed signer', () => {
  it('holds the built JavaScript, the declarations, the bin and the widget bundle, and no TypeScript source', () => {
    const files = execFileSync('tar', ['-tzf', tarballs.signer], { encoding: 'utf8' }).trim().split('\n');
    expect(files).toContain('package/bin/jupay-signer.js');
    expect(files).toContain('package/dist/cli/main.js');
    expect(files).toContain('package/dist/index.d.ts');
    expect(files).toContain('package/dist/widget/pay-button.js');
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    expect(files.filter((f) => /\.test\.|store-suite/.test(f))).toEqual([]);

    const installed = join(app, 'node_modules/@jupay/signer');
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as {
      exports: unknown;
      dependencies: Record<string, string>;
    };
    expect(manifest.exports).toEqual({ '.': { types: './dist/index.d.ts', default: './dist/index.js' } });
    expect(manifest.dependencies['@jupay/core']).toBe('0.1.0');
    expect(manifest.dependencies['@jupay/webhook']).toBe('0.1.0');
    // The bundle served is the workspace's build, byte for byte.
    expect(
      readFileSync(join(installed, 'dist/widget/pay-button.js')).equals(readFileSync(WORKSPACE_BUNDLE)),
    ).toBe(true);
    // Nothing that runs TypeScript came along.
    const modules = readdirSync(join(app, 'node_modules'));
    expect(modules).not.toContain('tsx');
    expect(modules).not.toContain('typescript');
    expect(existsSync(join(app, 'node_modules/.bin/jupay-signer'))).toBe(true);
  });

  it('checks the settings, the store and the credentials, and prints the snippet', async () => {
    const check = await npx(['check', '--env-file', envFile]);
    expect(check.code).toBe(0);
    expect(check.stdout.trim().split('\n')).toEqual([
      `ok    settings    valid (read ${envFile} and the environment)`,
      `ok    store       ${join(app, 'data/signer.db')} opened and migrated`,
      expect.stringMatching(
        /^ok {4}widget {6}pay-button\.js \d+ bytes, served at http:\/\/127\.0\.0\.1:\d+\/pay-button\.js\?v=[0-9a-f]{16}$/,
      ),
      `ok    gateway     ${gateway.url}/Pay_Index.html answers (HTTP 200)`,
      expect.stringMatching(/^ok {4}credentials member 10002 and the key were accepted/),
      'all checks passed',
    ]);
    const snippet = await npx(['snippet', '--env-file', envFile]);
    expect(snippet.code).toBe(0);
    expect(snippet.stdout).toMatch(
      new RegExp(
        `^<script type="module" src="http://127\\.0\\.0\\.1:${port}/pay-button\\.js\\?v=[0-9a-f]{16}" integrity="sha384-[A-Za-z0-9+/]+=*" crossorigin="anonymous"></script>\\n<pay-button signer="http://127\\.0\\.0\\.1:${port}"></pay-button>\\n$`,
      ),
    );
  });

  it('starts with --env-file on plain node and takes a payment through the simulator', async () => {
    // Its own process group, so the signal reaches the signer under npx and nothing else.
    const child = spawn('npx', ['--no-install', 'jupay-signer', 'start', '--env-file', envFile], {
      cwd: app,
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const output: string[] = [];
    try {
      const listening = await waitForLine(child, output, 'signer listening', 30_000);
      expect(listening).toMatchObject({
        url: `http://127.0.0.1:${port}`,
        configFile: envFile,
        store: 'sqlite',
        storeAt: join(app, 'data/signer.db'),
      });
      const base = `http://127.0.0.1:${port}`;
      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({
        status: 'ok',
        store: true,
        widget: expect.stringMatching(/^[0-9a-f]{16}$/),
      });
      const widget = await fetch(`${base}/pay-button.js`);
      expect(widget.status).toBe(200);
      expect(Buffer.from(await widget.arrayBuffer()).equals(readFileSync(WORKSPACE_BUNDLE))).toBe(true);

      const answer = await fetch(`${base}/api/checkout`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ bankCode: '903', amount: '12.30' }),
      });
      expect(answer.status).toBe(201);
      const order = (await answer.json()) as {
        orderId: string;
        action: string;
        fields: Record<string, string>;
      };
      const cashier = await fetch(order.action, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: encodeForm(order.fields),
      });
      expect(cashier.status).toBe(200);
      const attempts = await (await sim.controls.pay(order.orderId)).delivery;
      expect(attempts.map((a) => [a.status, a.response])).toEqual([[200, 'OK']]);
      const status = (await (await fetch(`${base}/api/orders/${order.orderId}`)).json()) as {
        status: string;
      };
      expect(status.status).toBe('PAID');
    } finally {
      // npx does not pass a signal on to the command it runs: the whole group gets SIGTERM, as a service manager
      // does. The pipes close once the signer itself has exited.
      const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
      process.kill(-child.pid!, 'SIGTERM');
      await closed;
      captureText('packed signer start output', output.join('\n'));
    }
    const messages = output
      .filter((line) => line.startsWith('{'))
      .map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(messages).toEqual(expect.arrayContaining(['signer listening', 'shutting down', 'signer stopped']));
    expect(messages.indexOf('shutting down')).toBeLessThan(messages.indexOf('signer stopped'));
  });
});

/** Collects the child's lines; resolves with the first JSON line whose msg is `msg`. */
function waitForLine(
  child: ChildProcess,
  lines: string[],
  msg: string,
  timeoutMs: number,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(
      () => reject(new Error(`no "${msg}" line in ${timeoutMs} ms:\n${lines.join('\n')}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        lines.push(line);
        if (line.includes(`"msg":"${msg}"`)) {
          clearTimeout(timer);
          resolve(JSON.parse(line) as Record<string, unknown>);
        }
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code}) before "${msg}":\n${lines.join('\n')}`));
    });
  });
}
