/**
 * @module bench/placement
 * Where the bench's processes run. On a Linux machine with two or more CPUs and `taskset` (util-linux), the load
 * generator (this process) is kept on the last CPU and the server's main thread, the one that answers requests, on
 * CPU 0; the server's other threads (libuv's pool syncing the WAL, V8's helpers) may run on any CPU. Left to the
 * scheduler, the load generator and the server's main thread sometimes share a CPU: on the 2-core development VM the
 * same code then measured either about 13k or about 18k req/s from one run to the next. Placed, runs agree.
 */
import { spawnSync } from 'node:child_process';
import { cpus as listCpus } from 'node:os';

/**
 * Places this process and the server's main thread (see the module comment); returns what was done, for the
 * report. Call it once the server is ready (its thread pool exists, and keeps every CPU).
 * @example
 * console.error(`[bench] ${placeProcesses(child.pid!)}`);
 */
export function placeProcesses(serverPid: number): string {
  // Every CPU of the machine, not availableParallelism(): that counts only the CPUs this process may use, which is
  // one once an earlier round has placed it.
  const cpus = listCpus().length;
  if (process.platform !== 'linux' || cpus < 2) return 'processes not placed (needs Linux and 2+ CPUs)';
  const last = String(cpus - 1);
  // -a: every thread of the load generator; the server: its main thread only (its pid is that thread's id).
  const loadGenerator = spawnSync('taskset', ['-a', '-pc', last, String(process.pid)], { stdio: 'ignore' });
  if (loadGenerator.error || loadGenerator.status !== 0) {
    return 'processes not placed (taskset from util-linux is not available)';
  }
  // A server forked after that placement inherited it: give all its threads every CPU first, then move the main one.
  spawnSync('taskset', ['-a', '-pc', `0-${last}`, String(serverPid)], { stdio: 'ignore' });
  spawnSync('taskset', ['-pc', '0', String(serverPid)], { stdio: 'ignore' });
  return `load generator on CPU ${last}, the server's main thread on CPU 0, its other threads on any CPU`;
}
