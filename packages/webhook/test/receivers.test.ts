/**
 * @module receivers.test
 * The README's receivers (Node; Hono on Node, Bun, Deno and workerd, the Workers runtime; PHP), taken verbatim from
 * README.md, each run as its own process against the packed package installed alone in an empty folder. For each:
 * a real signer pays an order at the gateway simulator and delivers `order.paid`, which the receiver verifies and
 * acknowledges; then tampered, stale, unsigned and wrongly signed requests, which it refuses; and without its
 * secret it answers 500 rather than trusting anyone.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGatewaySim, type GatewaySim, type RunningGatewaySim } from '@jupay/gateway-sim';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { vectors } from './helpers/vectors.ts';
import { startChild, type Child } from './helpers/child.ts';
import { ensurePhp, PHP } from './helpers/ensure-php.ts';
import { installPacked, type PackedInstall } from './helpers/packed.ts';
import { readmeExample } from './helpers/readme-examples.ts';
import { freePort, runtimeBinary, waitUntilAnswering, writeWorkerdConfig } from './helpers/runtimes.ts';
import { nodeSignature, post } from './helpers/send.ts';
import { MERCHANT_KEY, startSignerStack, type SignerStack } from './helpers/signer-stack.ts';

const SECRET = `whsec_${randomBytes(16).toString('hex')}`;
const LISTENING = /listening on (http:\S+)/;

interface Receiver {
  name: string;
  /** Prepares the environment (php-cli for PHP) before anything starts. */
  prepare?: () => void;
  /** Starts the example with this secret; resolves with the process and its webhook URL. */
  start(dir: string, secret: string): Promise<{ child: Child; url: string }>;
}

const RECEIVERS: Receiver[] = [
  {
    name: 'Node (node:http)',
    async start(dir, secret) {
      const child = startChild(process.execPath, ['receiver.mjs'], {
        cwd: dir,
        env: { PORT: '0', JUPAY_WEBHOOK_SECRET: secret },
      });
      return { child, url: (await child.waitForLine(LISTENING)).match[1]! };
    },
  },
  {
    name: 'Hono',
    async start(dir, secret) {
      const child = startChild(process.execPath, ['server.mjs'], {
        cwd: dir,
        env: { PORT: '0', JUPAY_WEBHOOK_SECRET: secret },
      });
      return { child, url: (await child.waitForLine(LISTENING)).match[1]! };
    },
  },
  {
    name: 'Hono on Bun',
    async start(dir, secret) {
      // `bun file` serves a default export that has fetch, on PORT (0: a free one, printed).
      const child = startChild(runtimeBinary('bun'), ['hono-receiver.mjs'], {
        cwd: dir,
        env: { PORT: '0', JUPAY_WEBHOOK_SECRET: secret },
      });
      const { match } = await child.waitForLine(/server: http:\/\/localhost:(\d+)/);
      return { child, url: `http://127.0.0.1:${match[1]}/hooks/jupay` };
    },
  },
  {
    name: 'Hono on Deno',
    async start(dir, secret) {
      // hono/adapter's env() reads Deno.env whole, hence --allow-env without a list.
      const child = startChild(
        runtimeBinary('deno'),
        ['serve', '--port', '0', '--host', '127.0.0.1', '--allow-env', 'hono-receiver.mjs'],
        { cwd: dir, env: { JUPAY_WEBHOOK_SECRET: secret, DENO_NO_UPDATE_CHECK: '1' } },
      );
      const { match } = await child.waitForLine(/Listening on (http:\/\/127\.0\.0\.1:\d+)\//);
      return { child, url: `${match[1]}/hooks/jupay` };
    },
  },
  {
    name: 'Hono on workerd (Cloudflare Workers)',
    async start(dir, secret) {
      const port = await freePort();
      // A config per start: the secret is a binding of the Worker, as `wrangler secret put` makes it.
      const config = await writeWorkerdConfig(dir, 'hono-receiver.mjs', {
        name: `worker-${port}`,
        port,
        secret,
      });
      const child = startChild(runtimeBinary('workerd'), ['serve', config, '--verbose'], {
        cwd: dir,
        env: {},
      });
      const url = `http://127.0.0.1:${port}/hooks/jupay`;
      await waitUntilAnswering(url);
      return { child, url };
    },
  },
  {
    name: 'PHP',
    prepare: () => void ensurePhp(),
    async start(dir, secret) {
      // Port 0: the built-in server picks a free port and prints it.
      const child = startChild(PHP, ['-S', '127.0.0.1:0', 'receiver.php'], {
        cwd: dir,
        env: { JUPAY_WEBHOOK_SECRET: secret },
      });
      const { match } = await child.waitForLine(/Development Server \((http:\/\/[\d.]+:\d+)\) started/);
      return { child, url: `${match[1]}/hooks/jupay` };
    },
  },
];

let install: PackedInstall;
let dir: string;
let sim: GatewaySim;
let gateway: RunningGatewaySim;

beforeAll(async () => {
  install = installPacked(inject('webhookTarball'), ['hono', '@hono/node-server']);
  dir = install.dir;
  writeFileSync(join(dir, 'receiver.mjs'), readmeExample('node'));
  writeFileSync(join(dir, 'hono-receiver.mjs'), readmeExample('hono'));
  writeFileSync(join(dir, 'server.mjs'), readmeExample('hono-node'));
  writeFileSync(join(dir, 'receiver.php'), readmeExample('php'));
  sim = createGatewaySim({ resendCount: 0 });
  gateway = await sim.start({ port: 0, hostname: '127.0.0.1' });
});

afterAll(async () => {
  await gateway?.close();
  install?.remove();
});

for (const receiver of RECEIVERS) {
  describe(`the README's ${receiver.name} receiver`, () => {
    let child: Child;
    let url: string;
    let stack: SignerStack;

    beforeAll(async () => {
      receiver.prepare?.();
      ({ child, url } = await receiver.start(dir, SECRET));
      stack = await startSignerStack({ sim, gateway, webhookUrl: url, secret: SECRET });
    });

    afterAll(async () => {
      await stack?.close();
      await child?.stop();
    });

    it('verifies and acknowledges the order.paid delivery of a real signer', async () => {
      const orderId = await stack.payOrder();
      const { line } = await child.waitForLine(
        new RegExp(`paid: ${orderId} 12\\.30 yuan \\(event [0-9a-f-]{36}\\)`),
      );
      const delivered = await stack.signer.waitForLine(
        new RegExp(`"orderId":"${orderId}".*"msg":"webhook delivered"`),
      );
      const log = JSON.parse(delivered.line) as { eventId: string; status: number; attempt: number };
      expect(log).toMatchObject({ status: 204, attempt: 1 });
      expect(line).toContain(`(event ${log.eventId})`);
      // Neither the signer nor the receiver ever prints the webhook secret or the merchant key.
      const output = [...stack.signer.lines, ...child.lines].join('\n');
      expect(output).not.toContain(SECRET);
      expect(output).not.toContain(MERCHANT_KEY);
    });

    it('refuses tampered, stale, unsigned and wrongly signed requests, and accepts a genuine one', async () => {
      const body = vectors.vectors[0]!.body;
      const orderId = 'E20240301120000654321';
      const now = Math.floor(Date.now() / 1000);
      const refusals = [
        ['tampered', body.replace('"amountFen":1230', '"amountFen":9999'), nodeSignature(body, SECRET, now)],
        ['stale', body, nodeSignature(body, SECRET, now - 600)],
        ['from the future', body, nodeSignature(body, SECRET, now + 600)],
        ['unsigned', body, undefined],
        ['another secret', body, nodeSignature(body, `${SECRET}x`, now)],
        ['a forged MAC', body, `t=${now},v1=${'0'.repeat(64)}`],
      ] as const;
      for (const [what, sent, signature] of refusals) {
        expect({ what, status: (await post(url, sent, signature)).status }).toEqual({ what, status: 400 });
      }
      expect(child.lines.some((line) => line.includes(`paid: ${orderId}`))).toBe(false);
      expect((await post(url, body, nodeSignature(body, SECRET, now))).status).toBe(204);
      await child.waitForLine(new RegExp(`paid: ${orderId} 12\\.30 yuan`));
    });

    it('answers 500, trusting nothing, when its secret is not set', async () => {
      const unset = await receiver.start(dir, '');
      try {
        const body = vectors.vectors[0]!.body;
        // Signed with the empty key: exactly what a receiver that verified with an unset secret would accept.
        const answer = await post(unset.url, body, nodeSignature(body, '', Math.floor(Date.now() / 1000)));
        expect(answer.status).toBe(500);
        expect(unset.child.lines.some((line) => line.includes('paid:'))).toBe(false);
      } finally {
        await unset.child.stop();
      }
    });
  });
}
