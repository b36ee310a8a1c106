/**
 * @module bench/http
 * `tsx apps/signer/bench/http.ts` (also run by `pnpm bench`): requests/s and p99 of `POST /api/checkout` and
 * `POST /api/notify`, each compared with a bare Hono JSON route measured in the same run (autocannon, 50
 * connections). The servers run in a child process (bench/servers.ts); this process only generates load.
 * SQLite first, then PostgreSQL (the local server, or `JUPAY_BENCH_PG_URL`, in a throw-away schema), both against the
 * one baseline measured in the SQLite round.
 */
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import pg from 'pg';
import { placeProcesses } from './placement.ts';
import { mainThreadTicks, TICK_US } from './proc-cpu.ts';
import type { BenchReady } from './servers.ts';

const CONNECTIONS = 50;
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
const TARGET = 'ratio >= 0.6, 0 errors';

interface Measured {
  rps: number;
  p99: number;
  errors: number;
  /** CPU time of the server's main thread per request, in us (null without /proc). */
  mainUs: number | null;
}

async function load(serverPid: number, options: autocannon.Options): Promise<Measured> {
  const before = mainThreadTicks(serverPid);
  const result = await autocannon({ connections: CONNECTIONS, duration: DURATION_S, ...options });
  const after = mainThreadTicks(serverPid);
  return {
    rps: Math.round(result.requests.average),
    p99: result.latency.p99,
    // Socket errors, timeouts, and any non-2xx answer (a notify FAIL is a 400) count as errors.
    errors: result.errors + result.timeouts + result.non2xx,
    mainUs:
      before === null || after === null
        ? null
        : Math.round((((after - before) * TICK_US) / result.requests.total) * 10) / 10,
  };
}

function print(figure: Record<string, unknown>): void {
  console.log(`BENCH ${JSON.stringify(figure)}`);
}

/**
 * Benchmarks the signer on one store (`sqlite` for a temp-dir SQLite file, or a `postgres://` URL) against the
 * bare route, printing BENCH lines. Returns false when a target is missed.
 * @example
 * await benchStore('sqlite', 'sqlite');
 */
export async function benchStore(
  store: string,
  label: string,
  /**
   * A baseline already measured in this run. Each store measures the bare route next to its own figures (the
   * machine is too noisy for one figure to serve a whole run); when given, this store's baseline lines are
   * labelled with the store's name.
   */
  sharedBaseline?: Measured,
): Promise<{ ok: boolean; baseline: Measured }> {
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
    // Warm-up, so JIT and SQLite page cache are in the same state for every run.
    await load(child.pid!, {
      url: `${ready.baselineUrl}/json`,
      method: 'POST',
      headers: json,
      body: '{"bankCode":"903","amount":"12.30"}',
      duration: 1,
    });
    // The machine is shared and noisy: the bare route is measured right before and after each signer figure,
    // and each ratio uses the mean of its two neighbours.
    const bare = () =>
      load(child.pid!, {
        url: `${ready.baselineUrl}/json`,
        method: 'POST',
        headers: json,
        body: '{"bankCode":"903","amount":"12.30"}',
      });
    const base1 = await bare();
    const checkout = await load(child.pid!, {
      url: `${ready.signerUrl}/api/checkout`,
      method: 'POST',
      headers: json,
      body: '{"bankCode":"903","amount":"12.30"}',
    });
    const base2 = await bare();
    // Notifications of already-created orders: the first round pays them, later rounds are duplicates.
    const notify = await load(child.pid!, {
      url: ready.signerUrl,
      requests: ready.notifyBodies.map((body) => ({
        method: 'POST' as const,
        path: '/api/notify',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      })),
    });
    const base3 = await bare();
    const mean = (a: Measured, b: Measured): Measured => ({
      rps: Math.round((a.rps + b.rps) / 2),
      p99: Math.round((a.p99 + b.p99) / 2),
      errors: a.errors + b.errors,
      mainUs:
        a.mainUs === null || b.mainUs === null ? null : Math.round(((a.mainUs + b.mainUs) / 2) * 10) / 10,
    });
    const baselineOf = { checkout: mean(base1, base2), notify: mean(base2, base3) };
    const baseline: Measured = {
      rps: Math.round((base1.rps + base2.rps + base3.rps) / 3),
      p99: Math.max(base1.p99, base2.p99, base3.p99),
      errors: base1.errors + base2.errors + base3.errors,
      mainUs:
        base1.mainUs === null || base2.mainUs === null || base3.mainUs === null
          ? null
          : Math.round(((base1.mainUs + base2.mainUs + base3.mainUs) / 3) * 10) / 10,
    };
    const suffix = sharedBaseline ? ` (${label} round)` : '';
    print({
      name: `bare hono JSON route${suffix} req/s`,
      value: baseline.rps,
      unit: 'req/s',
      samples: [base1.rps, base2.rps, base3.rps],
    });
    print({ name: `bare hono JSON route${suffix} p99`, value: baseline.p99, unit: 'ms' });
    let ok = true;
    for (const [route, m] of [
      ['checkout', checkout],
      ['notify', notify],
    ] as const) {
      const base = baselineOf[route];
      const ratio = Math.round((m.rps / base.rps) * 100) / 100;
      ok &&= ratio >= 0.6 && m.errors === 0;
      print({
        name: `signer ${route} (${label}) req/s`,
        value: m.rps,
        unit: 'req/s',
        baselineName: 'bare hono JSON route (mean of the runs before and after)',
        baseline: base.rps,
        ratio,
        target: TARGET,
      });
      print({
        name: `signer ${route} (${label}) p99`,
        value: m.p99,
        unit: 'ms',
        baselineName: 'bare hono JSON route (mean of the runs before and after)',
        baseline: base.p99,
      });
      print({ name: `signer ${route} (${label}) errors`, value: m.errors, unit: 'count', target: '0' });
      if (m.mainUs !== null && base.mainUs !== null) {
        // Steadier than req/s on a shared machine: the server's main thread is what bounds its throughput, so
        // bare / signer here is the ratio req/s would show without the noise. Reported, not a target.
        print({
          name: `signer ${route} (${label}) main-thread CPU per request`,
          value: m.mainUs,
          unit: 'us',
          baselineName: 'bare hono JSON route, main-thread CPU per request',
          baseline: base.mainUs,
          ratio: Math.round((base.mainUs / m.mainUs) * 100) / 100,
          target: 'report only (bare / signer)',
        });
      }
    }
    return { ok, baseline };
  } finally {
    child.send('stop');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const sqlite = await benchStore('sqlite', 'sqlite');
  // The same figures on PostgreSQL, against the same baseline, in a throw-away schema of the local server
  // (or JUPAY_BENCH_PG_URL).
  const postgres = await benchPostgres(sqlite.baseline);
  if (!sqlite.ok || !postgres) console.error('[bench] signer: a target was missed (see the BENCH lines)');
}

/** Runs {@link benchStore} on PostgreSQL in a fresh `t_bench_*` schema, dropped afterwards. */
async function benchPostgres(baseline: Measured): Promise<boolean> {
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
    return (await benchStore(url.href, 'postgres', baseline)).ok;
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
}
