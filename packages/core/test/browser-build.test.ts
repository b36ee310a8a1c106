/**
 * @module test/browser-build.test
 * The package as a browser bundler sees it: built with esbuild for the browser, the conditional `#md5` import
 * leaves `node:crypto` out and the bundle still hashes and signs; built for Node, it takes `node:crypto`.
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));

/** Bundles @jupay/core the way a browser bundler does: the `browser` platform, no Node built-ins available. */
async function bundleFor(platform: 'browser' | 'node') {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform,
    conditions: platform === 'browser' ? ['browser'] : ['node'],
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

describe('conditional #md5 import', () => {
  it('leaves node:crypto out of a browser bundle, which then runs and signs the vectors', async () => {
    const code = await bundleFor('browser');
    expect(code).not.toMatch(/node:crypto|require\(["']crypto/);
    const core = (await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)) as {
      sign: (fields: Record<string, string>, key: string) => string;
      md5Hex: (text: string) => string;
    };
    expect(core.md5Hex('abc')).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect(core.sign({ a: '1' }, 'k')).toMatch(/^[0-9A-F]{32}$/);
  });

  it('uses node:crypto in a Node bundle', async () => {
    expect(await bundleFor('node')).toMatch(/node:crypto/);
  });
});
