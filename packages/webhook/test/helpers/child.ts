/**
 * @module test/helpers/child
 * Child processes for the process-level tests (receivers, the signer): output collected line by line, a wait for a
 * line that matches, and stop by the child's own process group only. Each child leads a group of its own, so a
 * command that runs its server as a child in turn (the npm launchers of Deno and workerd, a shell shim) is stopped
 * whole. Every child still running when the test process exits is killed, so a failed test leaves no server
 * behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';

/** A running child. */
export interface Child {
  pid: number;
  /** Every stdout and stderr line so far. */
  lines: string[];
  /** Resolves with the first line (seen so far or to come) matching `pattern`; rejects after `timeoutMs`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<{ line: string; match: RegExpExecArray }>;
  /** SIGTERM to this child's process group only, then waits for the child to exit. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) if (child.exitCode === null && child.pid) signalGroup(child.pid, 'SIGKILL');
});

/** Signals every process of the group the child leads (a negative PID names the group). */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}

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
    // Its own process group, whose id is its PID: see signalGroup.
    detached: true,
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
      signalGroup(child.pid!, 'SIGTERM');
      await exit;
    },
  };
}
