/**
 * @module bench/http
 * `tsx apps/signer/bench/http.ts` (also run by `pnpm bench`): requests/s and p99 of `POST /api/checkout` and
 * `POST /api/notify`, each compared, in the same run, with two baselines on the same machine (autocannon, 50
 * connections):
 * - the straightforward durable route a merchant would write instead (bench/straightforward.ts: one INSERT per
 *   request on the same store with the same durability): the targets are against this one, >= 4x on SQLite and
 *   >= 2x on PostgreSQL, with 0 errors;
 * - a bare Hono JSON route that writes nothing: reported only (no durable service can match it).
 * The servers run in a child process (bench/servers.ts); this process only generates load. SQLite first, then
 * PostgreSQL (the local server, or `JUPAY_BENCH_PG_URL`, in a throw-away schema). Each store's round measures both
 * baselines right before and after each signer figure, and each ratio uses the mean of its two neighbours. For
 * each signer figure it also prints the server's main-thread CPU per request and, on PostgreSQL, the round trips
 * per request (statements sent by the store, counted by the store itself).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import pg from 'pg';
import { placeProcesses } from './placement.ts';
import { mainThreadTicks, TICK_US } from './proc-cpu.ts';
import { notifyRequests } from './notify-load.ts';
import type { BenchReady, BenchStats } from './servers.ts';

const CONNECTIONS = 50;
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
/** Against the straightforward durable route, per store. */
const TARGETS = { sqlite: 4, postgres: 2 } as const;

interface Measured {
  rps: number;
  p99: number;
  errors: number;
  /** CPU time of the server's main thread per request, in us (null without /proc). */
  mainUs: number | null;
  /** Round trips to PostgreSQL per request (null on SQLite). */
  roundTrips: number | null;
}

/** The round-trip counters of the servers' process (IPC `stats`). */
function stats(child: ChildProcess): Promise<BenchStats> {
  return new Promise((resolve) => {
    const onMessage = (message: unknown) => {
      if ((message as BenchStats | null)?.type !== 'stats') return;
      child.off('message', onMessage);
      resolve(message as BenchStats);
    };
    child.on('message', onMessage);
    child.send('stats');
  });
}

type Counter = 'signerRoundTrips' | 'straightforwardRoundTrips';

async function load(child: ChildProcess, options: autocannon.Options, counter?: Counter): Promise<Measured> {
  const serverPid = child.pid!;
  const tripsBefore = counter ? (await stats(child))[counter] : null;
  const before = mainThreadTicks(serverPid);
  const result = await autocannon({ connections: CONNECTIONS, duration: DURATION_S, ...options });
  const after = mainThreadTicks(serverPid);
  const tripsAfter = counter ? (await stats(child))[counter] : null;
  const total = result.requests.total;
  return {
    rps: Math.round(result.requests.average),
    p99: result.latency.p99,
    // Socket errors, timeouts, and any non-2xx answer (a notify FAIL is a 400) count as errors.
    errors: result.errors + result.timeouts + result.non2xx,
    mainUs:
      before === null || after === null ? null : Math.round((((after - before) * TICK_US) / total) * 10) / 10,
    roundTrips:
      tripsBefore === null || tripsAfter === null
        ? null
        : Math.round(((tripsAfter - tripsBefore) / total) * 100) / 100,
  };
}

function print(figure: Record<string, unknown>): void {
  console.log(`BENCH ${JSON.stringify(figure)}`);
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** The mean of two runs of one route (errors add up). */
function mean(a: Measured, b: Measured): Measured {
  const both = (x: number | null, y: number | null) => (x === null || y === null ? null : (x + y) / 2);
  const mainUs = both(a.mainUs, b.mainUs);
  const roundTrips = both(a.roundTrips, b.roundTrips);
  return {
    rps: Math.round((a.rps + b.rps) / 2),
    p99: Math.round((a.p99 + b.p99) / 2),
    errors: a.errors + b.errors,
    mainUs: mainUs === null ? null : round1(mainUs),
    roundTrips: roundTrips === null ? null : Math.round(roundTrips * 100) / 100,
  };
}

/**
 * Benchmarks the signer on one store (`sqlite` for a temp-dir SQLite file, or a `postgres://` URL) against the
 * straightforward durable route and the bare route, printing BENCH lines. Returns false when a target is missed.
 * @example
 * await benchStore('sqlite', 'sqlite');
 */
export async function benchStore(store: string, label: 'sqlite' | 'postgres'): Promise<boolean> {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const child = fork(fileURLToPath(new URL('./servers.ts', import.meta.url)), [store], {
    execArgv: [
      '--import',
      tsx,
      ...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=/tmp/jupay-prof'] : []),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<BenchReady>((resolve, reject) => {
    child.once('message', (m) => resolve(m as BenchReady));
    child.once('exit', (code) => reject(new Error(`bench servers exited with ${code}`)));
  });
  console.error(`[bench] signer (${label}): ${placeProcesses(child.pid!)}`);
  try {
    const json = { 'content-type': 'application/json' };
    const body = '{"bankCode":"903","amount":"12.30"}';
    const bare = (duration = DURATION_S) =>
      load(child, { url: `${ready.baselineUrl}/json`, method: 'POST', headers: json, body, duration });
    const straightforward = (duration = DURATION_S) =>
      load(
        child,
        { url: `${ready.straightforwardUrl}/order`, method: 'POST', headers: json, body, duration },
        'straightforwardRoundTrips',
      );
    // Warm-up, so JIT, page caches and pooled connections are in the same state for every run.
    await bare(1);
    await straightforward(1);
    // The machine is shared and noisy: both baselines are measured right before and after each signer figure.
    const bare1 = await bare();
    const straight1 = await straightforward();
    const checkout = await load(
      child,
      { url: `${ready.signerUrl}/api/checkout`, method: 'POST', headers: json, body },
      'signerRoundTrips',
    );
    const bare2 = await bare();
    const straight2 = await straightforward();
    // Notifications of already-created orders, each request the next order's: the first 2,000 pay them, the rest
    // are duplicates (the gateway re-sends until it reads OK).
    const notify = await load(
      child,
      {
        url: ready.signerUrl,
        requests: notifyRequests(ready.notifyBodies),
      },
      'signerRoundTrips',
    );
    const bare3 = await bare();
    const straight3 = await straightforward();

    const bareAll: [Measured, Measured, Measured] = [bare1, bare2, bare3];
    const straightAll: [Measured, Measured, Measured] = [straight1, straight2, straight3];
    const target = TARGETS[label];
    for (const [name, runs] of [
      [`bare hono JSON route, no I/O (${label} round)`, bareAll],
      [`straightforward durable route (${label})`, straightAll],
    ] as const) {
      const m = mean(mean(runs[0], runs[1]), runs[2]);
      print({
        name: `${name} req/s`,
        value: Math.round((runs[0].rps + runs[1].rps + runs[2].rps) / 3),
        unit: 'req/s',
        samples: runs.map((r) => r.rps),
      });
      print({ name: `${name} p99`, value: Math.max(...runs.map((r) => r.p99)), unit: 'ms' });
      print({ name: `${name} errors`, value: m.errors, unit: 'count' });
      if (m.mainUs !== null) {
        print({ name: `${name} main-thread CPU per request`, value: m.mainUs, unit: 'us' });
      }
      if (m.roundTrips !== null) {
        print({ name: `${name} round trips per request`, value: m.roundTrips, unit: 'count' });
      }
    }
    let ok = true;
    for (const [route, m, neighbours] of [
      ['checkout', checkout, [0, 1]],
      ['notify', notify, [1, 2]],
    ] as const) {
      const straight = mean(straightAll[neighbours[0]]!, straightAll[neighbours[1]]!);
      const base = mean(bareAll[neighbours[0]]!, bareAll[neighbours[1]]!);
      const ratio = Math.round((m.rps / straight.rps) * 100) / 100;
      ok &&= ratio >= target && m.errors === 0;
      const figure = `signer ${route} (${label})`;
      print({
        name: `${figure} req/s`,
        value: m.rps,
        unit: 'req/s',
        baselineName: `straightforward durable route (${label}), mean of the runs before and after`,
        baseline: straight.rps,
        ratio,
        target: `ratio >= ${target}, 0 errors`,
      });
      print({
        name: `${figure} req/s vs bare`,
        value: m.rps,
        unit: 'req/s',
        baselineName: 'bare hono JSON route, mean of the runs before and after',
        baseline: base.rps,
        ratio: Math.round((m.rps / base.rps) * 100) / 100,
        target: 'report only',
      });
      print({
        name: `${figure} p99`,
        value: m.p99,
        unit: 'ms',
        baselineName: `straightforward durable route (${label}) p99`,
        baseline: straight.p99,
      });
      print({ name: `${figure} errors`, value: m.errors, unit: 'count', target: '0' });
      if (m.mainUs !== null && straight.mainUs !== null && base.mainUs !== null) {
        // Steadier than req/s on a shared machine: the server's main thread is what bounds its throughput.
        print({
          name: `${figure} main-thread CPU per request`,
          value: m.mainUs,
          unit: 'us',
          baselineName: `straightforward durable route (${label}); bare route ${base.mainUs} us`,
          baseline: straight.mainUs,
          ratio: Math.round((straight.mainUs / m.mainUs) * 100) / 100,
          target: 'report only (straightforward / signer)',
        });
      }
      if (m.roundTrips !== null) {
        print({
          name: `${figure} round trips per request`,
          value: m.roundTrips,
          unit: 'count',
          baselineName: `straightforward durable route (${label})`,
          baseline: straight.roundTrips,
          target: 'report only',
        });
      }
    }
    return ok;
  } finally {
    child.send('stop');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const only = process.env.BENCH_STORE;
  const sqlite = only === 'postgres' ? true : await benchStore('sqlite', 'sqlite');
  const postgres = only === 'sqlite' ? true : await benchPostgres();
  if (!sqlite || !postgres) console.error('[bench] signer: a target was missed (see the BENCH lines)');
}

/** Runs {@link benchStore} on PostgreSQL in a fresh `t_bench_*` schema, dropped afterwards. */
async function benchPostgres(): Promise<boolean> {
  const base = process.env.JUPAY_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `t_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  try {
    await admin.connect();
  } catch (error) {
    console.error(
      `[bench] signer: PostgreSQL at ${new URL(base).host} is not reachable (${(error as Error).message})`,
    );
    return false;
  }
  const url = new URL(base);
  url.searchParams.set('schema', schema);
  try {
    return await benchStore(url.href, 'postgres');
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
}
