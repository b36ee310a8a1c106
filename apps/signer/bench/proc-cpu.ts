/**
 * @module bench/proc-cpu
 * CPU time of a process and of its threads, read from `/proc` (Linux). The benches divide it by the requests
 * answered: on a shared machine that is much steadier than requests/s.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** Microseconds per clock tick of `/proc/<pid>/stat` (USER_HZ = 100 on Linux). */
export const TICK_US = 10_000;

/** utime + stime (or one of them) from a `/proc/.../stat` line. */
function statTicks(path: string): { user: number; system: number } {
  const stat = readFileSync(path, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]), system: Number(fields[12]) };
}

/**
 * CPU ticks (user + system) of the whole process.
 * @example
 * const before = processTicks(pid); await load(); const used = processTicks(pid) - before;
 */
export function processTicks(pid: number): number {
  const { user, system } = statTicks(`/proc/${pid}/stat`);
  return user + system;
}

/**
 * CPU ticks (user + system) of the process's main thread only: the event loop that answers every request. null
 * where `/proc` is not available.
 * @example
 * mainThreadTicks(child.pid!);
 */
export function mainThreadTicks(pid: number): number | null {
  const path = `/proc/${pid}/task/${pid}/stat`;
  if (!existsSync(path)) return null;
  const { user, system } = statTicks(path);
  return user + system;
}

/**
 * CPU ticks of the main thread of `pid` and of all its other threads (libuv's pool, V8's GC helpers), each as user
 * and system time: keys `main user`, `main system`, `others user`, `others system`.
 * @example
 * threadTicks(child.pid!).get('main user');
 */
export function threadTicks(pid: number): Map<string, number> {
  const ticks = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = tid === String(pid) ? 'main' : 'others';
      const { user, system } = statTicks(`/proc/${pid}/task/${tid}/stat`);
      ticks.set(`${name} user`, (ticks.get(`${name} user`) ?? 0) + user);
      ticks.set(`${name} system`, (ticks.get(`${name} system`) ?? 0) + system);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return ticks;
}
