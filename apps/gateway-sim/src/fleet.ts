/**
 * @module fleet
 * Several simulated gateways at once, as a merchant with accounts at two or three providers sees them: each its own
 * simulator (its merchants and keys, orders, faults and availability) on its own port. Every member also serves
 * `/__sim/fleet`, which lists the fleet and changes any member's availability, so a gateway whose listener is
 * closed (`down: 'refused'`) can be brought back through another one.
 */
import { Hono } from 'hono';
import { validateAvailability } from './availability.ts';
import { createGatewaySim, type GatewaySim, type GatewaySimOptions, type RunningGatewaySim } from './app.ts';
import { parseMerchantList, validateMerchants, type Merchant } from './merchants.ts';

/** One gateway of a fleet. */
export interface GatewaySpec extends GatewaySimOptions {
  /** A short name: lower-case letters, digits and `-`, e.g. `a` or `provider-b`. */
  id: string;
  merchants: readonly Merchant[];
  /** Default 0: a free port. */
  port?: number;
}

/** A started gateway of a fleet. */
export interface FleetMember {
  id: string;
  sim: GatewaySim;
  running: RunningGatewaySim;
}

/** A started fleet. */
export interface GatewayFleet {
  members: FleetMember[];
  /** The member with this id; throws a TypeError naming the ids there are. */
  get(id: string): FleetMember;
  close(): Promise<void>;
}

const GATEWAY_ID = /^[a-z0-9][a-z0-9-]{0,31}$/;

/**
 * Checks a fleet's specs: at least one gateway, ids well-formed and distinct, fixed ports distinct, and each
 * gateway's merchants valid (two gateways may have the same member id, as two providers may).
 *
 * @example
 * validateFleet([{ id: 'a', merchants: [DEMO_MERCHANT] }]); // the same list
 */
export function validateFleet(specs: readonly GatewaySpec[]): GatewaySpec[] {
  if (!Array.isArray(specs) || specs.length === 0) {
    throw new TypeError('gateways: at least one gateway is required');
  }
  const ids = new Set<string>();
  const ports = new Set<number>();
  return specs.map((spec, i) => {
    if (typeof spec?.id !== 'string' || !GATEWAY_ID.test(spec.id)) {
      throw new TypeError(
        `gateways[${i}].id must be 1-32 lower-case letters, digits or -, got ${JSON.stringify(spec?.id)}`,
      );
    }
    if (ids.has(spec.id)) throw new TypeError(`gateways[${i}].id ${spec.id} appears twice`);
    ids.add(spec.id);
    if (spec.port !== undefined && spec.port !== 0) {
      if (ports.has(spec.port))
        throw new TypeError(`gateways[${i}] (${spec.id}): port ${spec.port} is taken twice`);
      ports.add(spec.port);
    }
    try {
      return { ...spec, merchants: validateMerchants(spec.merchants) };
    } catch (error) {
      throw new TypeError(`gateways[${i}] (${spec.id}): ${(error as Error).message}`);
    }
  });
}

/**
 * Parses the fleet syntax of `--gateway` / `GATEWAY_FLEET`: `id=port/memberId:key[:name],...`, several gateways
 * separated by `;` (port 0: a free one).
 *
 * @example
 * parseFleet('a=4101/10002:key1;b=4102/10003:key2:Shop B');
 * // [{ id: 'a', port: 4101, merchants: [...] }, { id: 'b', port: 4102, merchants: [...] }]
 */
export function parseFleet(text: string): GatewaySpec[] {
  const entries = text
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
  return validateFleet(
    entries.map((entry, i) => {
      const match = /^([^=]+)=(\d{1,5})\/(.+)$/.exec(entry);
      if (!match) {
        // The entry holds keys: name its place and shape, never echo it.
        throw new TypeError(`gateway entry ${i + 1} is not id=port/memberId:key[:name],...`);
      }
      const port = Number(match[2]);
      if (port > 65535) throw new TypeError(`gateway entry ${i + 1}: port must be from 0 to 65535`);
      let merchants: Merchant[];
      try {
        merchants = parseMerchantList(match[3]!);
      } catch (error) {
        throw new TypeError(`gateway entry ${i + 1} (${match[1]!.trim()}): ${(error as Error).message}`);
      }
      return { id: match[1]!.trim(), port, merchants };
    }),
  );
}

/**
 * Starts every gateway of the fleet on its port (127.0.0.1 by default). A start that fails closes those already
 * started.
 *
 * @example
 * const fleet = await startGatewayFleet([
 *   { id: 'a', merchants: [{ memberId: '10002', key: 'key-of-a-123' }] },
 *   { id: 'b', merchants: [{ memberId: '10003', key: 'key-of-b-456' }] },
 * ]);
 * await fleet.get('a').sim.controls.setAvailability({ down: 'refused' });
 * await fleet.close();
 */
export async function startGatewayFleet(
  specs: readonly GatewaySpec[],
  listen: { hostname?: string } = {},
): Promise<GatewayFleet> {
  const valid = validateFleet(specs);
  const members: FleetMember[] = [];
  const get = (id: string): FleetMember => {
    const member = members.find((m) => m.id === id);
    if (!member) {
      throw new TypeError(
        `no gateway ${JSON.stringify(id)} in the fleet (${members.map((m) => m.id).join(', ')})`,
      );
    }
    return member;
  };
  const fleet: GatewayFleet = {
    members,
    get,
    async close() {
      await Promise.all(members.map((m) => m.running.close()));
    },
  };
  try {
    for (const { id, port, ...options } of valid) {
      const sim = createGatewaySim(options);
      sim.app.route('/__sim/fleet', fleetAdmin(fleet));
      const running = await sim.start({ port: port ?? 0, hostname: listen.hostname ?? '127.0.0.1' });
      members.push({ id, sim, running });
    }
  } catch (error) {
    await fleet.close();
    throw error;
  }
  return fleet;
}

/** `/__sim/fleet` on every member: the fleet's gateways, and any member's availability. */
function fleetAdmin(fleet: GatewayFleet): Hono {
  const describe = (m: FleetMember) => ({
    id: m.id,
    url: m.running.url,
    merchants: m.sim.controls.merchants().map((x) => ({ memberId: x.memberId, name: x.name ?? null })),
    availability: m.sim.controls.availability(),
  });
  return new Hono()
    .get('/', (c) => c.json(fleet.members.map(describe)))
    .post('/:id/availability', async (c) => {
      const member = fleet.members.find((m) => m.id === c.req.param('id'));
      if (!member) {
        return c.json(
          { error: { code: 'NOT_FOUND', message: `no gateway ${c.req.param('id')} in the fleet` } },
          404,
        );
      }
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        return c.json({ error: { code: 'BAD_REQUEST', message: 'the body must be JSON' } }, 400);
      }
      try {
        await member.sim.controls.setAvailability(validateAvailability(body));
      } catch (error) {
        if (!(error instanceof TypeError)) throw error;
        return c.json({ error: { code: 'BAD_REQUEST', message: error.message } }, 400);
      }
      return c.json(describe(member));
    });
}
