/**
 * @module routes/config
 * `GET /api/config`: what a bare `<pay-button>` needs to configure itself (the methods, the amount bounds and
 * presets, the catalogue, the gateway's origin), never anything secret. The body depends on the configuration
 * only, so it is built once.
 */
import { Hono } from 'hono';
import type { SignerConfig } from '../config/load-config.ts';
import type { SignerEnv } from '../log.ts';

/** The settings the widget may see. */
export type ConfigRouteConfig = Pick<SignerConfig, 'paymentUrl' | 'methods' | 'amount' | 'products'>;

/**
 * The config route, to mount at `/api/config`.
 * @example
 * app.route('/api/config', configRoute(config));
 * // GET /api/config → { currency: 'CNY', gateway, methods, amount: { minFen, maxFen, presetsFen }, products }
 */
export function configRoute(config: ConfigRouteConfig): Hono<SignerEnv> {
  const body = JSON.stringify({
    currency: 'CNY',
    gateway: new URL(config.paymentUrl).origin,
    methods: config.methods.map((m) => ({ code: m.code, name: m.name, nameEn: m.nameEn })),
    amount: {
      minFen: config.amount.minFen,
      maxFen: config.amount.maxFen,
      presetsFen: config.amount.presetsFen,
    },
    products: config.products?.map((p) => ({ id: p.id, name: p.name, amountFen: p.amountFen })) ?? null,
  });
  return new Hono<SignerEnv>().get('/', (c) =>
    c.body(body, 200, { 'Content-Type': 'application/json', 'Cache-Control': 'public, max-age=60' }),
  );
}
