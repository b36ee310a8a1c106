#!/usr/bin/env node
// `pnpm bench`: runs every benchmark script and prints one table. Each script prints lines
// `BENCH {"name","value","unit","baselineName","baseline","ratio","target"}`; baselines are measured in the same
// run as the figure they are compared with, so the ratios mean something on a noisy shared machine.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const benches = [
  { label: 'core', command: ['npx', 'tsx', 'packages/core/bench/sign.ts'] },
  {
    label: 'signer',
    command: ['npx', 'tsx', 'apps/signer/bench/http.ts'],
    file: 'apps/signer/bench/http.ts',
  },
  {
    label: 'pay-button',
    command: ['node', 'packages/pay-button/bench/size.mjs'],
    file: 'packages/pay-button/bench/size.mjs',
    before: ['pnpm', '--filter', '@jupay/pay-button', 'build'],
  },
  {
    label: 'pay-button',
    command: ['node', 'packages/pay-button/bench/render.mjs'],
    file: 'packages/pay-button/bench/render.mjs',
    // First render is timed in Debian's Chromium, which a fresh machine does not have yet.
    before: ['node', 'scripts/ensure-test-tools.mjs', 'chromium'],
  },
];

const rows = [];
let failed = false;
for (const bench of benches) {
  if (bench.file && !existsSync(bench.file)) {
    console.error(`[bench] ${bench.label}: ${bench.file} is missing, skipped`);
    failed = true;
    continue;
  }
  if (bench.before)
    spawnSync(bench.before[0], bench.before.slice(1), { stdio: ['ignore', 'ignore', 'inherit'] });
  console.error(`[bench] ${bench.label}: ${bench.command.join(' ')}`);
  const run = spawnSync(bench.command[0], bench.command.slice(1), {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) {
    console.error(`[bench] ${bench.label} exited with ${run.status}`);
    failed = true;
  }
  for (const line of run.stdout.split('\n')) {
    if (line.startsWith('BENCH ')) rows.push({ group: bench.label, ...JSON.parse(line.slice(6)) });
  }
}

const format = (value) => (typeof value === 'number' ? value.toLocaleString('en-US') : (value ?? ''));
const header = ['group', 'figure', 'value', 'unit', 'baseline', 'baseline value', 'ratio', 'target'];
const table = rows.map((row) => [
  row.group,
  row.name,
  format(row.value),
  row.unit,
  row.baselineName ?? '',
  format(row.baseline),
  row.ratio === undefined ? '' : String(row.ratio),
  row.target ?? '',
]);
const widths = header.map((title, column) =>
  Math.max(title.length, ...table.map((cells) => String(cells[column]).length)),
);
const line = (cells) => `| ${cells.map((cell, column) => String(cell).padEnd(widths[column])).join(' | ')} |`;
console.log(line(header));
console.log(line(widths.map((width) => '-'.repeat(width))));
for (const cells of table) console.log(line(cells));
process.exitCode = failed ? 1 : 0;
