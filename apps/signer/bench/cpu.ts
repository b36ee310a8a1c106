/**
 * @module bench/cpu
 * `tsx apps/signer/bench/cpu.ts [sqlite|postgres://...]`: CPU time of the server process per request (user +
 * system, from /proc/<pid>/stat), under the same load as bench/http.ts (autocannon, 50 connections). On a shared
 * machine this is much steadier than requests/s. Linux only. Each figure is measured BENCH_CPU_ROUNDS times (3);
 * BENCH_ONLY=bare|straightforward|checkout|notify measures one
 * route (straightforward: bench/straightforward.ts, the one-INSERT-per-request route on the same store), BENCH_PROFILE=<dir> writes a `--cpu-prof` of the server
 * process there, and BENCH_SERVERS=<path> runs another copy of bench/servers.ts (e.g. an older commit's, for A/B).
 * Each line also splits the server's CPU into its main thread and the rest (libuv's pool doing the WAL sync, V8's
 * helpers), each as user and system time, and gives the load generator's own CPU per request: on two cores the
 * load generator competes with the server, so a route that makes it work harder (bigger answers) looks slower.
 */
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { placeProcesses } from './placement.ts';
import { processTicks, threadTicks, TICK_US } from './proc-cpu.ts';
import { notifyRequests } from './notify-load.ts';
import type { BenchReady } from './servers.ts';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
const ROUNDS = Number(process.env.BENCH_CPU_ROUNDS ?? 3);
async function measure(
  pid: number,
  options: autocannon.Options,
): Promise<{ us: number; rps: number; errors: number; threads: Record<string, number>; loadUs: number }> {
  const before = processTicks(pid);
  const threadsBefore = threadTicks(pid);
  const loadBefore = process.cpuUsage();
  const result = await autocannon({ connections: 50, duration: DURATION_S, ...options });
  const load = process.cpuUsage(loadBefore);
  const ticks = processTicks(pid) - before;
  const total = result.requests.total;
  const perRequest = (t: number) => Math.round(((t * TICK_US) / total) * 10) / 10;
  const threads: Record<string, number> = {};
  for (const [name, t] of threadTicks(pid)) {
    const us = perRequest(t - (threadsBefore.get(name) ?? 0));
    if (us > 0) threads[name] = us;
  }
  return {
    us: perRequest(ticks),
    rps: Math.round(result.requests.average),
    errors: result.errors + result.timeouts + result.non2xx,
    threads,
    // The load generator's own CPU per request: on a 2-core machine it competes with the server.
    loadUs: Math.round(((load.user + load.system) / total) * 10) / 10,
  };
}

const store = process.argv[2] ?? 'sqlite';
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const child = fork(
  process.env.BENCH_SERVERS ?? fileURLToPath(new URL('./servers.ts', import.meta.url)),
  [store],
  {
    execArgv: [
      '--import',
      tsx,
      ...(process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  },
);
const ready = await new Promise<BenchReady>((resolve, reject) => {
  child.once('message', (m) => resolve(m as BenchReady));
  child.once('exit', (code) => reject(new Error(`bench servers exited with ${code}`)));
});
console.error(`[bench] ${placeProcesses(child.pid!)}`);
const json = { 'content-type': 'application/json' };
const body = '{"bankCode":"903","amount":"12.30"}';
const bare = { url: `${ready.baselineUrl}/json`, method: 'POST' as const, headers: json, body };
const straightforward = {
  url: `${ready.straightforwardUrl}/order`,
  method: 'POST' as const,
  headers: json,
  body,
};
const checkout = { url: `${ready.signerUrl}/api/checkout`, method: 'POST' as const, headers: json, body };
const notify = {
  url: ready.signerUrl,
  requests: notifyRequests(ready.notifyBodies),
};
try {
  await measure(child.pid!, { ...bare, duration: 1 });
  await measure(child.pid!, { ...straightforward, duration: 1 });
  await measure(child.pid!, { ...checkout, duration: 1 });
  await measure(child.pid!, { ...notify, duration: 1 });
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, options] of [
      ['bare', bare],
      ['straightforward', straightforward],
      ['checkout', checkout],
      ['notify', notify],
    ] as const) {
      if (process.env.BENCH_ONLY && process.env.BENCH_ONLY !== name) continue;
      const m = await measure(child.pid!, options);
      console.log(
        `CPU ${JSON.stringify({
          store,
          round,
          name,
          usPerRequest: m.us,
          rps: m.rps,
          errors: m.errors,
          threads: m.threads,
          loadGeneratorUs: m.loadUs,
        })}`,
      );
    }
  }
} finally {
  child.send('stop');
  await new Promise((resolve) => child.once('exit', resolve));
}
