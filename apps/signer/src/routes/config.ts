/**
 * @module routes/config
 * `GET /api/config`: what a bare `<pay-button>` needs to configure itself (the methods, the amount bounds and
 * presets, the catalogue, the gateway's origin), never anything secret. The methods are those a usable gateway
 * account serves now (gateways/gateways.ts), so a method whose accounts are all down is not offered; the gateway
 * origin is where forms go (gateways/payment-target.ts). The body is built once per set of methods.
 */
import { Hono } from 'hono';
import type { SignerConfig } from '../config/load-config.ts';
import type { Gateways } from '../gateways/gateways.ts';
import type { SignerEnv } from '../log.ts';

/** The settings the widget may see. */
export type ConfigRouteConfig = Pick<SignerConfig, 'methods' | 'amount' | 'products'>;

/** What {@link configRoute} needs. */
export interface ConfigRouteDeps {
  config: ConfigRouteConfig;
  gateways: Pick<Gateways, 'offered' | 'targets'>;
}

/**
 * The config route, to mount at `/api/config`.
 * @example
 * app.route('/api/config', configRoute({ config, gateways }));
 * // GET /api/config → { currency: 'CNY', gateway, methods, amount: { minFen, maxFen, presetsFen }, products }
 */
export function configRoute(deps: ConfigRouteDeps): Hono<SignerEnv> {
  const { config, gateways } = deps;
  const codes = config.methods.map((m) => m.code);
  const bodies = new Map<string, string>();
  const bodyFor = (offered: readonly string[]): string => {
    const key = offered.join(',');
    let body = bodies.get(key);
    if (body === undefined) {
      body = JSON.stringify({
        currency: 'CNY',
        gateway: gateways.targets.gatewayOrigin,
        methods: config.methods
          .filter((m) => offered.includes(m.code))
          .map((m) => ({ code: m.code, name: m.name, nameEn: m.nameEn })),
        amount: {
          minFen: config.amount.minFen,
          maxFen: config.amount.maxFen,
          presetsFen: config.amount.presetsFen,
        },
        products: config.products?.map((p) => ({ id: p.id, name: p.name, amountFen: p.amountFen })) ?? null,
      });
      bodies.set(key, body);
    }
    return body;
  };
  return new Hono<SignerEnv>().get('/', (c) =>
    // Short-lived in caches: the methods follow the accounts' health.
    c.body(bodyFor(gateways.offered(codes)), 200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'public, max-age=15',
    }),
  );
}
