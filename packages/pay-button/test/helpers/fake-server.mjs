// @module fake-server: a wtr middleware standing in for the signer (/fake-signer/api/*) and the gateway
// (/fake-gateway/*) over real HTTP, serving /csp/page.html under a strict Content-Security-Policy, /snippet/page.html
// with the README's height-reserving snippet and no script yet, the production
// bundle at /bundle/pay-button.js (built in memory with the package's vite config, so the test does not depend on a
// previous `pnpm build`) and the custom elements manifest at /manifest/custom-elements.json. The gateway is
// addressed as 127.0.0.1 while pages load from localhost, so the form crosses origins as in production.
import { create, ts } from '@custom-elements-manifest/analyzer';
import { litPlugin } from '@custom-elements-manifest/analyzer/src/features/framework-plugins/lit/lit.js';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import cemConfig from '../../custom-elements-manifest.config.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
let bundle;
const buildBundle = () =>
  (bundle ??= build({
    root,
    configFile: `${root}/vite.config.ts`,
    logLevel: 'silent',
    build: { write: false },
  }).then((out) => (Array.isArray(out) ? out[0] : out).output[0].code));

// The manifest `cem analyze` writes to dist/custom-elements.json, made in memory by the same analyzer with the same
// config and plugins (the CLI is not called: it would also rewrite package.json's `customElements`).
let manifest;
const buildManifest = () =>
  (manifest ??= JSON.stringify(
    create({
      modules: readdirSync(`${root}/src`)
        .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
        .map((f) =>
          ts.createSourceFile(
            `src/${f}`,
            readFileSync(`${root}/src/${f}`, 'utf8'),
            ts.ScriptTarget.ES2015,
            true,
          ),
        ),
      plugins: [...litPlugin(), ...cemConfig.plugins],
      context: { dev: false, thirdPartyCEMs: [] },
    }),
  ));

let lastGatewayPost = null;
/** The submit reports (beacons) the fake signer received: path and Origin. */
const beacons = [];

const readBody = (req) =>
  new Promise((resolve, reject) => {
    let s = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (s += c));
    req.on('end', () => resolve(s));
    req.on('error', reject);
  });

/** @param {import('koa').Context} ctx @param {() => Promise<void>} next */
export async function fakeServer(ctx, next) {
  const port = ctx.host.split(':').pop();
  const gateway = `http://127.0.0.1:${port}`;
  const json = (status, body) => {
    ctx.status = status;
    ctx.type = 'application/json';
    ctx.body = JSON.stringify(body);
  };
  const path = ctx.path;
  if (path === '/csp/page.html') {
    ctx.type = 'text/html';
    ctx.set('Content-Security-Policy', `default-src 'self'; form-action ${gateway}; base-uri 'none'`);
    ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>CSP page</title>
<script type="module" src="/test/helpers/csp-page.ts"></script>
<script type="module" src="/bundle/pay-button.js"></script>
<script type="module" src="/bundle/pay-button.js?copy=2"></script></head>
<body><main><pay-button signer="/fake-signer" amount="12.34" product-name="CSP test"></pay-button></main></body></html>`;
    return;
  }
  // The README's snippet: the height reserved before the script arrives (the test adds the script itself).
  if (path === '/snippet/page.html') {
    const reserve = ctx.query.reserve ?? '20rem';
    ctx.type = 'text/html';
    ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Snippet page</title>
<style>pay-button { display: block; min-height: ${reserve}; }</style></head>
<body><main><pay-button signer="/fake-signer" lang="en"></pay-button><p id="after">After the element.</p></main></body></html>`;
    return;
  }
  if (path === '/bundle/pay-button.js') {
    ctx.type = 'text/javascript';
    ctx.body = await buildBundle();
    return;
  }
  if (path === '/manifest/custom-elements.json') {
    ctx.type = 'application/json';
    ctx.body = buildManifest();
    return;
  }
  if (path === '/fake-signer/api/config') {
    return json(200, {
      currency: 'CNY',
      gateway,
      methods: [
        { code: '902', name: '微信扫码支付', nameEn: 'WeChat QR code' },
        { code: '903', name: '支付宝扫码支付', nameEn: 'Alipay QR code' },
      ],
      amount: { minFen: 1, maxFen: 500000, presetsFen: [1000, 5000] },
      products: null,
    });
  }
  if (path === '/fake-signer/api/checkout' && ctx.method === 'POST') {
    const body = JSON.parse(await readBody(ctx.req));
    return json(201, {
      orderId: 'E2024CSP',
      action: `${gateway}/fake-gateway/Pay_Index.html`,
      method: 'POST',
      fields: {
        pay_orderid: 'E2024CSP',
        pay_amount: body.amount,
        pay_bankcode: body.bankCode,
        pay_md5sign: 'AB',
      },
      statusUrl: '/fake-signer/api/orders/E2024CSP',
    });
  }
  if (path.startsWith('/fake-signer/api/orders/') && path.endsWith('/submitted') && ctx.method === 'POST') {
    beacons.push({ path, origin: ctx.get('origin') });
    ctx.status = 204;
    return;
  }
  if (path === '/fake-signer/beacons') return json(200, beacons);
  if (path.startsWith('/fake-signer/api/orders/')) {
    return json(200, { orderId: path.split('/').pop(), status: 'PAID', amountFen: 1234, bankCode: '902' });
  }
  if (path === '/fake-gateway/Pay_Index.html' && ctx.method === 'POST') {
    lastGatewayPost = Object.fromEntries(new URLSearchParams(await readBody(ctx.req)));
    ctx.type = 'text/html';
    ctx.body = '<!doctype html><title>Gateway</title><p id="got">received</p>';
    return;
  }
  if (path === '/fake-gateway/last') {
    ctx.set('Access-Control-Allow-Origin', '*');
    return json(200, { fields: lastGatewayPost });
  }
  return next();
}
