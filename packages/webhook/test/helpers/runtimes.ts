/**
 * @module test/helpers/runtimes
 * The other JavaScript runtimes the README's Hono receiver claims, as the registry ships them (each npm package
 * carries its platform's binary): Bun, Deno and workerd, the runtime of Cloudflare Workers. For workerd, the
 * receiver is bundled with esbuild into one module, as `wrangler` does, and served by a config naming its port and
 * its secret binding.
 */
import { writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';
import { PACKAGE_DIR } from './packed.ts';

/** The runtime's command installed in this package's node_modules. */
export function runtimeBinary(name: 'bun' | 'deno' | 'workerd'): string {
  return join(PACKAGE_DIR, 'node_modules', '.bin', name);
}

/**
 * A port on 127.0.0.1 that was free a moment ago, for a server that must be told its port.
 *
 * @example
 * const port = await freePort();
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Bundles `entry` (in `dir`, resolving its imports from `dir`'s node_modules as a Worker build would) into
 * `worker.js` and writes `<name>.capnp`, which serves it on 127.0.0.1:`port` with `JUPAY_WEBHOOK_SECRET` bound to
 * `secret`. Returns the config's file name.
 *
 * @example
 * const config = await writeWorkerdConfig(dir, 'hono-receiver.mjs', { name: 'worker', port, secret });
 * startChild(runtimeBinary('workerd'), ['serve', config, '--verbose'], { cwd: dir, env: {} });
 */
export async function writeWorkerdConfig(
  dir: string,
  entry: string,
  options: { name: string; port: number; secret: string },
): Promise<string> {
  const bundle = `${options.name}.js`;
  await build({
    entryPoints: [join(dir, entry)],
    absWorkingDir: dir,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    outfile: join(dir, bundle),
    logLevel: 'silent',
  });
  const config = `${options.name}.capnp`;
  writeFileSync(
    join(dir, config),
    `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "receiver", worker = .receiver) ],
  sockets = [ (name = "http", address = "127.0.0.1:${options.port}", http = (), service = "receiver") ],
);

const receiver :Workerd.Worker = (
  modules = [ (name = "worker", esModule = embed "${bundle}") ],
  compatibilityDate = "2024-09-23",
  bindings = [ (name = "JUPAY_WEBHOOK_SECRET", text = ${JSON.stringify(options.secret)}) ],
);
`,
  );
  return config;
}

/**
 * Resolves once `url` answers at all (any status), for a server that prints nothing when it is ready.
 *
 * @example
 * await waitUntilAnswering('http://127.0.0.1:8787/');
 */
export async function waitUntilAnswering(url: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      await (await fetch(url)).body?.cancel();
      return;
    } catch (error) {
      if (Date.now() > end) throw new Error(`${url} did not answer in ${timeoutMs} ms`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
