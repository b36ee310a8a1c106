/**
 * @module test/helpers/child
 * Child processes for the process-level tests (receivers, the signer): output collected line by line, a wait for a
 * line that matches, and stop by the child's own PID only. Every child still running when the test process exits
 * is killed, so a failed test leaves no server behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';

/** A running child. */
export interface Child {
  pid: number;
  /** Every stdout and stderr line so far. */
  lines: string[];
  /** Resolves with the first line (seen so far or to come) matching `pattern`; rejects after `timeoutMs`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<{ line: string; match: RegExpExecArray }>;
  /** SIGTERM to this child only, then waits for it to exit. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
});

/**
 * Spawns `command` with exactly `env` (plus PATH and HOME) in `cwd`.
 *
 * @example
 * const php = startChild('php', ['-S', '127.0.0.1:0', 'receiver.php'], { cwd, env: { JUPAY_WEBHOOK_SECRET } });
 * const { match } = await php.waitForLine(/Development Server \((http:\S+)\) started/);
 */
export function startChild(
  command: string,
  args: string[],
  options: { cwd: string; env: Record<string, string> },
): Child {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      running.delete(child);
      for (const wake of waiters) wake();
      resolve();
    });
  });
  const collect = (stream: NodeJS.ReadableStream) => {
    let buffered = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        lines.push(buffered.slice(0, newline));
        buffered = buffered.slice(newline + 1);
      }
      for (const wake of waiters) wake();
    });
  };
  collect(child.stdout!);
  collect(child.stderr!);
  const where = `${command} ${args.join(' ')}`;

  return {
    pid: child.pid!,
    lines,
    waitForLine(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          for (const line of lines) {
            const match = pattern.exec(line);
            if (match) return finish(() => resolve({ line, match }));
          }
          if (exited)
            finish(() =>
              reject(new Error(`${where} exited before printing ${pattern}:\n${lines.join('\n')}`)),
            );
        };
        const timer = setTimeout(
          () =>
            finish(() =>
              reject(
                new Error(`${where}: no line matched ${pattern} in ${timeoutMs} ms:\n${lines.join('\n')}`),
              ),
            ),
          timeoutMs,
        );
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          settle();
        };
        waiters.add(check);
        check();
      });
    },
    async stop() {
      if (exited) return;
      process.kill(child.pid!, 'SIGTERM');
      await exit;
    },
  };
}
