/**
 * @module test/helpers/signer-stack
 * A real signer delivering to a receiver under test: the signer app of apps/signer started as its own process
 * (`jupay-signer start` from its sources: `node --import tsx src/cli/main.ts start`) on a fresh SQLite file, the gateway simulator,
 * and a one-line forwarder that gives the signer a public URL before it has a port. `payOrder` goes through the
 * whole flow: checkout at the signer, the signed form to the gateway, the cashier's pay, the gateway's notification,
 * the signer's `order.paid` webhook.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { GatewaySim, RunningGatewaySim } from '@jupay/gateway-sim';
import { startChild, type Child } from './child.ts';

const SIGNER_CLI = fileURLToPath(new URL('../../../../apps/signer/src/cli/main.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const SHOP_ORIGIN = 'https://shop.example';

/** The simulator's default merchant: the public demo key of the gateway (docs/protocol.md#test-vectors). */
export const MERCHANT_KEY = 't4ig5acnpx4fet4zapshjacjd9o4bhbi';
const MERCHANT = { JUPAY_MEMBER_ID: '10002', JUPAY_KEY: MERCHANT_KEY };

/** A running signer that delivers to one webhook URL. */
export interface SignerStack {
  signer: Child;
  /** Pays a 12.30 yuan order through the whole flow; resolves with its id once the gateway's notification got OK. */
  payOrder(): Promise<string>;
  close(): Promise<void>;
}

async function forwarder(): Promise<{ url: string; setTarget(url: string): void; close(): Promise<void> }> {
  let target = '';
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', target);
    const upstream = httpRequest(url, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end('forwarder error'));
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setTarget: (url) => void (target = url),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Starts a signer whose webhook goes to `webhookUrl`, signed with `secret`, paying at `gateway`.
 *
 * @example
 * const stack = await startSignerStack({ sim, gateway, webhookUrl, secret });
 * const orderId = await stack.payOrder();
 * await stack.close();
 */
export async function startSignerStack(options: {
  sim: GatewaySim;
  gateway: RunningGatewaySim;
  webhookUrl: string;
  secret: string;
}): Promise<SignerStack> {
  const cwd = mkdtempSync(join(tmpdir(), 'jupay-webhook-signer-'));
  const front = await forwarder();
  // `source`: workspace packages load from their sources, as in development, whether or not they were built.
  const signer = startChild(process.execPath, ['--conditions=source', '--import', TSX, SIGNER_CLI, 'start'], {
    // An empty folder: no stray .env is read.
    cwd,
    env: {
      ...MERCHANT,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      JUPAY_STORE: join(cwd, 'signer.db'),
      JUPAY_GATEWAY_URL: `${options.gateway.url}/Pay_Index.html`,
      JUPAY_PUBLIC_URL: front.url,
      JUPAY_RETURN_URL: `${SHOP_ORIGIN}/thanks`,
      JUPAY_ALLOWED_ORIGINS: SHOP_ORIGIN,
      JUPAY_BANK_CODES: '903',
      JUPAY_AMOUNT_MIN: '0.01',
      JUPAY_AMOUNT_MAX: '5000',
      JUPAY_RECONCILE_SCHEDULE: 'off',
      JUPAY_WEBHOOK_URL: options.webhookUrl,
      JUPAY_WEBHOOK_SECRET: options.secret,
    },
  });
  async function close(): Promise<void> {
    await signer.stop();
    await front.close();
    rmSync(cwd, { recursive: true, force: true });
  }
  try {
    const { line } = await signer.waitForLine(/"msg":"signer listening"/, 30_000);
    front.setTarget((JSON.parse(line) as { url: string }).url);
  } catch (error) {
    await close();
    throw error;
  }

  async function payOrder(): Promise<string> {
    const checkout = await fetch(`${front.url}/api/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: SHOP_ORIGIN },
      body: JSON.stringify({
        bankCode: '903',
        amount: '12.30',
        productName: 'VIP 会员',
        attach: 'sku-7|蓝色',
      }),
    });
    if (checkout.status !== 201)
      throw new Error(`checkout answered ${checkout.status}: ${await checkout.text()}`);
    const order = (await checkout.json()) as {
      orderId: string;
      action: string;
      fields: Record<string, string>;
    };
    // What the shopper's browser does: POST the signed form to the gateway, which shows its cashier page.
    const cashier = await fetch(order.action, { method: 'POST', body: new URLSearchParams(order.fields) });
    const page = await cashier.text();
    if (cashier.status !== 200 || page.includes('"status":"error"')) {
      throw new Error(`the gateway refused order ${order.orderId}: ${page.slice(0, 200)}`);
    }
    const paid = await options.sim.controls.pay(order.orderId);
    const attempts = await paid.delivery;
    if (!attempts.some((attempt) => attempt.received)) {
      throw new Error(`the signer did not acknowledge the notification: ${JSON.stringify(attempts)}`);
    }
    return order.orderId;
  }

  return { signer, payOrder, close };
}
