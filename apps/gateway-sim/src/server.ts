/**
 * @module server
 * The standalone simulator: `pnpm --filter @jupay/gateway-sim start [--port 4100] [--host 127.0.0.1]
 * [--merchants 10002:key,10003:key2:Name] [--resend-count 3] [--resend-interval-ms 10000] [--strict-ok]`, or several
 * gateways at once with `--gateway id=port/memberId:key[:name],...` (repeatable; `;` separates several in one value).
 * Flags win over the environment (`GATEWAY_PORT`, `GATEWAY_HOST`, `GATEWAY_MERCHANTS`, `GATEWAY_FLEET`,
 * `GATEWAY_RESEND_COUNT`, `GATEWAY_RESEND_INTERVAL_MS`, `GATEWAY_STRICT_OK=1`). State is in memory: a restart starts
 * clean.
 */
import { parseArgs } from 'node:util';
import { createGatewaySim, type GatewaySimOptions, type RunningGatewaySim } from './app.ts';
import { parseFleet, startGatewayFleet, type GatewaySpec } from './fleet.ts';
import { DEMO_MERCHANT, parseMerchantList, type Merchant } from './merchants.ts';

function integer(text: string | undefined, name: string, max = Infinity): number | undefined {
  if (text === undefined || text === '') return undefined;
  if (!/^\d+$/.test(text) || Number(text) > max) {
    const range = max === Infinity ? 'a whole number' : `a whole number from 0 to ${max}`;
    throw new TypeError(`${name} must be ${range}, got "${text}"`);
  }
  return Number(text);
}

function inUse(port: number | undefined, flag: string) {
  return (error: unknown): never => {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    throw new Error(
      `port ${port ?? (error as { port?: number }).port} is in use (another gateway-sim still running?). Stop it or pass ${flag}.`,
    );
  };
}

function printGateway(label: string, url: string, merchants: readonly Merchant[]): void {
  console.log(`jupay gateway-sim${label} listening on ${url}`);
  console.log(`  payment:  POST ${url}/Pay_Index.html`);
  console.log(`  query:    POST ${url}/Pay_Trade_query.html`);
  console.log(`  admin:    ${url}/__sim/orders, /__sim/notifications, /__sim/faults, /__sim/availability`);
  for (const m of merchants) {
    console.log(`  merchant: memberId=${m.memberId} key=${m.key}${m.name ? ` (${m.name})` : ''}`);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      merchants: { type: 'string' },
      gateway: { type: 'string', multiple: true },
      'resend-count': { type: 'string' },
      'resend-interval-ms': { type: 'string' },
      'strict-ok': { type: 'boolean' },
    },
  });
  const env = process.env;
  const shared: GatewaySimOptions = {
    // The document: "re-sent three times"; 0 to 3.
    resendCount: integer(
      values['resend-count'] ?? env.GATEWAY_RESEND_COUNT,
      '--resend-count (GATEWAY_RESEND_COUNT)',
      3,
    ),
    // The document's loop: every 10 s.
    resendIntervalMs:
      integer(
        values['resend-interval-ms'] ?? env.GATEWAY_RESEND_INTERVAL_MS,
        '--resend-interval-ms (GATEWAY_RESEND_INTERVAL_MS)',
      ) ?? 10_000,
    strictOk: values['strict-ok'] ?? env.GATEWAY_STRICT_OK === '1',
  };
  const hostname = values.host ?? env.GATEWAY_HOST ?? '127.0.0.1';
  const fleetText = values.gateway?.join(';') ?? env.GATEWAY_FLEET;

  let close: () => Promise<void>;
  if (fleetText) {
    if (values.port !== undefined || values.merchants !== undefined) {
      throw new TypeError(
        '--gateway gives each gateway its port and merchants: leave out --port and --merchants',
      );
    }
    let specs: GatewaySpec[];
    try {
      specs = parseFleet(fleetText).map((spec) => ({ ...shared, ...spec }));
    } catch (error) {
      throw new TypeError(`--gateway (GATEWAY_FLEET): ${(error as Error).message}`);
    }
    const fleet = await startGatewayFleet(specs, { hostname }).catch(inUse(undefined, '--gateway'));
    for (const member of fleet.members) {
      printGateway(` ${member.id}`, member.running.url, member.sim.controls.merchants());
    }
    console.log(`  fleet:    ${fleet.members[0]!.running.url}/__sim/fleet (any member)`);
    close = () => fleet.close();
  } else {
    const merchantsText = values.merchants ?? env.GATEWAY_MERCHANTS;
    const merchants = merchantsText ? parseMerchantList(merchantsText) : [DEMO_MERCHANT];
    const sim = createGatewaySim({ ...shared, merchants });
    const port = integer(values.port ?? env.GATEWAY_PORT, '--port (GATEWAY_PORT)', 65535) ?? 4100;
    const running: RunningGatewaySim = await sim
      .start({ port, hostname })
      .catch(inUse(port, '--port / GATEWAY_PORT'));
    printGateway('', running.url, merchants);
    close = () => running.close();
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping gateway-sim`);
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`gateway-sim: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
