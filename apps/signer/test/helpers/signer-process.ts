/**
 * @module helpers/signer-process
 * Real signer processes for the multi-instance and crash tests: `node --import tsx src/cli/main.ts start`
 * children (one process each, so the PID we signal is the server itself) started with an environment, found ready by their "signer listening" log line, and stopped or killed by their own PID only.
 * Plus a tiny reverse proxy that stands for the merchant's load balancer: one stable public URL, requests split
 * round-robin over whichever instances are up.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { captureText } from './leak-log.ts';

const SIGNER_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CLI_TS = join(SIGNER_DIR, 'src/cli/main.ts');
// `node --import tsx src/cli/main.ts` is `tsx src/cli/main.ts` without the wrapper process: the `tsx` binary runs
// the server in a grandchild, so a SIGKILL to its PID would kill only the wrapper and orphan the real server.
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** A running signer child process. */
export interface SignerProcess {
  pid: number;
  url: string;
  /** Every stdout/stderr line so far. */
  lines: string[];
  /** Sends a signal to this child only and waits for it to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  readonly exited: boolean;
}

const children = new Set<ChildProcess>();
// Belt and braces: a test that throws before its cleanup still leaves no orphan behind.
process.once('exit', () => {
  for (const child of children) if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
});

/**
 * Spawns `node --import tsx src/cli/main.ts start` (`jupay-signer start`) in an empty temp dir (no stray `.env`),
 * waits until it listens.
 *
 * @example
 * ```ts
 * const a = await spawnSigner({ JUPAY_STORE: url, PORT: '0', ... });
 * await a.kill('SIGKILL');
 * ```
 */
export async function spawnSigner(env: Record<string, string>, timeoutMs = 20_000): Promise<SignerProcess> {
  const cwd = mkdtempSync(join(tmpdir(), 'jupay-signer-proc-'));
  const child = spawn(process.execPath, ['--import', TSX_LOADER, CLI_TS, 'start'], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const lines: string[] = [];
  let buffered = '';
  let exited = false;
  const exit = new Promise<void>((done) =>
    child.once('exit', () => {
      // A last line without a newline is output too.
      if (buffered !== '') captureText(`signer process ${child.pid} output`, buffered);
      exited = true;
      children.delete(child);
      rmSync(cwd, { recursive: true, force: true });
      done();
    }),
  );
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`signer did not start in ${timeoutMs} ms:\n${lines.join('\n')}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        lines.push(line);
        // Scanned for the key and the webhook secret after the test file (leak-guard.ts).
        captureText(`signer process ${child.pid} output`, line);
        if (line.includes('signer listening')) {
          try {
            clearTimeout(timer);
            resolveUrl((JSON.parse(line) as { url: string }).url);
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        }
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exit.then(() => {
      clearTimeout(timer);
      reject(new Error(`signer exited before listening:\n${lines.join('\n')}`));
    });
  });
  return {
    pid: child.pid!,
    url,
    lines,
    get exited() {
      return exited;
    },
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (exited) return;
      process.kill(child.pid!, signal);
      await exit;
    },
  };
}

/**
 * A round-robin reverse proxy on 127.0.0.1. When no backend is up or the chosen one fails mid-request, it answers
 * 502 `proxy error` (which contains no "ok", so the gateway counts the notification as not received).
 *
 * @example
 * ```ts
 * const lb = await startProxy();
 * lb.setBackends([a.url, b.url]);
 * ```
 */
export async function startProxy() {
  let backends: string[] = [];
  let next = 0;
  const server = createServer((req, res) => {
    const target = backends.length > 0 ? backends[next++ % backends.length] : undefined;
    const fail = () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('proxy error');
    };
    if (!target) {
      req.resume();
      fail();
      return;
    }
    const url = new URL(req.url ?? '/', target);
    const upstream = httpRequest(
      url,
      { method: req.method, headers: { ...req.headers, host: url.host }, agent: false },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('error', () => res.destroy());
      },
    );
    upstream.on('error', fail);
    req.pipe(upstream);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setBackends(urls: string[]) {
      backends = urls;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
