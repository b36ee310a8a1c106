/**
 * @module start
 * `pnpm start` (root) / `pnpm --filter @jupay/demo start`: builds the widget if needed, starts the gateway
 * simulator, the signer and the shop in this process, prints where to go, and stops everything on Ctrl-C/SIGTERM.
 * Ports: `GATEWAY_PORT` (4100), `SIGNER_PORT` (4200), `DEMO_PORT` (4300); data: `DEMO_DATA_DIR` (apps/demo/data).
 */
import { DEMO_MERCHANT } from '@jupay/gateway-sim';
import { ensureWidgetBuilt } from './build-widget.ts';
import { DEFAULT_DATA_DIR, DEFAULT_PORTS, startDemo } from './demo.ts';

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) > 65535)
    throw new Error(`${name} must be a port number, got "${raw}"`);
  return Number(raw);
}

async function main(): Promise<void> {
  const ports = {
    gateway: port('GATEWAY_PORT', DEFAULT_PORTS.gateway),
    signer: port('SIGNER_PORT', DEFAULT_PORTS.signer),
    demo: port('DEMO_PORT', DEFAULT_PORTS.demo),
  };
  await ensureWidgetBuilt({ log: (line) => console.log(line) });
  const demo = await startDemo({
    ports,
    dataDir: process.env.DEMO_DATA_DIR || DEFAULT_DATA_DIR,
    logLevel: (process.env.JUPAY_LOG_LEVEL as 'warn' | undefined) ?? 'warn',
  });
  const snippet = demo.snippet();
  console.log(`
jupay demo is running. Open the shop:

    ${demo.urls.shop}

  shop (merchant page)   ${demo.urls.shop}   webhook log: ${demo.urls.shop}events
  signer                 ${demo.urls.signer}   (widget: ${demo.urls.signer}/pay-button.js)
  gateway simulator      ${demo.urls.gateway}   (orders: ${demo.urls.gateway}/__sim/orders)
  data (SQLite, webhook log, kept between runs)   ${demo.dataDir}

  Merchant ${DEMO_MERCHANT.memberId}. Its key is the public demo key from the gateway's own demo, kept in
  DEMO_MERCHANT in apps/gateway-sim/src/merchants.ts (apps/gateway-sim/README.md; the simulator prints it when
  started alone). The signer keeps it server-side and never prints it; it is public, so never use it for real money.
${snippet ? `\n  Snippet a merchant pastes:\n    ${snippet.scriptTag}\n    <pay-button signer="${demo.urls.signer}"></pay-button>\n` : '\n  <pay-button> is not built: run pnpm --filter @jupay/pay-button build\n'}
Press Ctrl-C to stop.`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the shop, the signer and the gateway simulator…`);
    demo.close().then(
      () => {
        console.log('Stopped. Data kept in', demo.dataDir);
        process.exit(0);
      },
      (error: unknown) => {
        console.error('Could not stop cleanly:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`jupay demo: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
