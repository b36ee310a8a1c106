// @module bench/render: time from the bundle's arrival to the element's first render, in headless Chromium
// (/usr/bin/chromium or CHROMIUM_PATH), next to the bare Lit element. Each page is served by a local HTTP server
// and loaded in a fresh browser; the median of RUNS runs (default 7) is printed as a BENCH line. The default page
// has a fixed amount, so the first render formats money (by hand: the first Intl.NumberFormat of a page loads
// locale data, ~20 ms here). ATTRS='signer=...' style overrides set other attributes.
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { promisify } from 'node:util';
import { buildBare, readBundle } from './bare.mjs';

const RUNS = Number(process.env.RUNS || 7);
const chrome = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const files = { '/pay-button.js': readBundle(), '/bare.js': await buildBare() };

// The page measures from the moment the module finished arriving (Resource Timing) to the end of the first
// update, and writes the figure into the DOM that Chromium dumps.
const page = (src, tag, attrs) => `<!doctype html><html lang="en"><body>
<${tag} ${attrs}></${tag}>
<script type="module" src="${src}"></script>
<script type="module">
const el = document.querySelector('${tag}');
await el.updateComplete;
const loaded = performance.getEntriesByName(new URL('${src}', location.href).href)[0].responseEnd;
document.body.dataset.ms = String(performance.now() - loaded);
document.body.dataset.rendered = String(el.shadowRoot.childElementCount > 0);
</script></body></html>`;
const pages = {
  '/pay-button.html': page(
    '/pay-button.js',
    'pay-button',
    process.env.ATTRS ?? 'bank-codes="902,903" amount="12.34"',
  ),
  '/bare.html': page('/bare.js', 'bare-element', 'name="world"'),
};

const server = createServer((req, res) => {
  const body = files[req.url] ?? pages[req.url];
  if (!body) return res.writeHead(404).end();
  res.writeHead(200, { 'content-type': req.url.endsWith('.js') ? 'text/javascript' : 'text/html' }).end(body);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;

async function measure(path) {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const { stdout } = await promisify(execFile)(
      chrome,
      ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--dump-dom', base + path],
      { timeout: 30000 },
    );
    const ms = /data-ms="([\d.]+)"/.exec(stdout);
    if (!ms || !/data-rendered="true"/.test(stdout)) throw new Error(`${path} did not render`);
    times.push(Number(ms[1]));
  }
  return times.sort((a, b) => a - b)[RUNS >> 1];
}

try {
  const ours = await measure('/pay-button.html');
  const bare = await measure('/bare.html');
  const round = (n) => Math.round(n * 10) / 10;
  console.log(
    `BENCH ${JSON.stringify({ name: 'pay-button first render', value: round(ours), unit: 'ms', baselineName: 'bare Lit element first render', baseline: round(bare), ratio: Math.round((ours / bare) * 100) / 100, target: '< 50 ms' })}`,
  );
} finally {
  server.close();
}
