/**
 * @module shutdown-log.test
 * A signer process must stop within its shutdown deadline whatever its log destination does: here its stdout is a
 * pipe whose reader first stops reading (the pipe fills and log lines queue up in the process), then, in one case,
 * dies (every write fails with EPIPE). SIGTERM must still end the process, with exit code 0, in seconds.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { captureText } from './helpers/leak-log.ts';
import { baseEnv } from './helpers/signer-harness.ts';

const cliFile = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Starts a signer, floods its log while nobody reads it, then does `then` to the reader and sends SIGTERM. */
async function stopWithBlockedLog(reader: 'stalls' | 'dies'): Promise<{ code: number | null; ms: number }> {
  const cwd = mkdtempSync(join(tmpdir(), 'jupay-shutdown-log-'));
  dirs.push(cwd);
  const child = spawn(process.execPath, ['--import', tsx, cliFile, 'start'], {
    cwd,
    env: {
      PATH: process.env.PATH,
      ...baseEnv({ PORT: '0', JUPAY_STORE: 'data/signer.db' }),
    } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // A hang is ended by this test (the child's own PID), so it fails on the figures, not on a timeout.
  const hardStop = setTimeout(() => child.kill('SIGKILL'), 30_000);
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let text = '';
      const onData = (chunk: Buffer) => {
        text += chunk.toString('utf8');
        captureText('signer stdout', chunk.toString('utf8'));
        const match = /"url":"(http:\/\/[^"]+)"/.exec(text);
        if (match) {
          child.stdout!.off('data', onData);
          // Nobody reads any more: the pipe (64 KB) fills and the signer's log lines queue up behind it.
          child.stdout!.pause();
          resolve(match[1]!);
        }
      };
      child.stdout!.on('data', onData);
      void exited.then(() => reject(new Error('the signer exited before listening')));
    });
    // About 2,000 access lines of ~200 bytes: several times what the pipe holds.
    for (let i = 0; i < 20; i++) {
      await Promise.all(Array.from({ length: 100 }, () => fetch(`${url}/healthz`).then((r) => r.text())));
    }
    if (reader === 'dies') child.stdout!.destroy();
    const started = Date.now();
    child.kill('SIGTERM');
    const code = await exited;
    return { code, ms: Date.now() - started };
  } finally {
    clearTimeout(hardStop);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

describe('shutdown with a blocked log destination', () => {
  it.each(['stalls', 'dies'] as const)(
    'a reader that %s: SIGTERM still ends the process within the deadline, exit code 0',
    async (reader) => {
      const { code, ms } = await stopWithBlockedLog(reader);
      // The grace for requests in flight is 10 s and there are none; the log gets a few seconds at most.
      expect({ code, withinDeadline: ms < 15_000 }).toEqual({ code: 0, withinDeadline: true });
    },
    40_000,
  );
});
