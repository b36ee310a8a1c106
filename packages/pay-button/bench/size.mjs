// @module bench/size: the gzip and raw size of dist/pay-button.js (run `pnpm build` first) next to a bare Lit
// element bundled and minified by vite in the same run, as the baseline. Prints BENCH lines (scripts/bench.mjs).
import { gzipSync } from 'node:zlib';
import { buildBare, readBundle } from './bare.mjs';

const TARGET = 12 * 1024;
const ours = readBundle();
const bare = await buildBare();

// zlib's default level (6), what `gzip` and most servers' compression use; -9 is only about 10 B smaller.
const gz = (b) => gzipSync(b).length;
const line = (name, value, baselineName, baseline, target) =>
  console.log(
    `BENCH ${JSON.stringify({ name, value, unit: 'B', baselineName, baseline, ratio: Math.round((value / baseline) * 1000) / 1000, target })}`,
  );
line('pay-button.js gzip', gz(ours), 'bare Lit element gzip', gz(bare), `<= ${TARGET} B`);
line('pay-button.js raw', ours.length, 'bare Lit element raw', bare.length, 'report only');
if (gz(ours) > TARGET) {
  console.error(`pay-button.js is ${gz(ours)} B gzip, over the ${TARGET} B budget`);
  process.exitCode = 1;
}
