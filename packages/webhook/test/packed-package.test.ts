/**
 * @module packed-package.test
 * The package as published: `pnpm pack`, then `npm install --offline` of the tarball alone into an empty folder.
 * It holds the built files and the README only, imports from ESM and CommonJS, verifies a signer vector there, and
 * its type declarations compile for a Node16 consumer with no DOM and no Node types. (The README's receivers run
 * against a real signer from such an install in receivers.test.ts.)
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { vectors } from './helpers/vectors.ts';
import { installPacked, type PackedInstall } from './helpers/packed.ts';

const W1 = vectors.vectors[0]!;
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');

let install: PackedInstall;
let installed: string;

beforeAll(() => {
  install = installPacked(inject('webhookTarball'));
  installed = join(install.dir, 'node_modules/@jupay/webhook');
});

afterAll(() => install?.remove());

function run(file: string, code: string): string {
  writeFileSync(join(install.dir, file), code);
  return execFileSync(process.execPath, [file], { cwd: install.dir, encoding: 'utf8' }).trim();
}

describe('the packed @jupay/webhook', () => {
  it('holds the built JavaScript, its declarations and the README, and no sources or tests', () => {
    const files = execFileSync('tar', ['-tzf', install.tarball], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .sort();
    expect(files).toContain('package/dist/index.js');
    expect(files).toContain('package/dist/index.d.ts');
    expect(files).toContain('package/README.md');
    expect(files).toContain('package/package.json');
    const unexpected = files.filter(
      (file) =>
        !/^package\/dist\/[a-z-]+\.(js|d\.ts)$/.test(file) &&
        !/^package\/(README\.md|package\.json)$/.test(file),
    );
    expect(unexpected).toEqual([]);
    expect(files.some((file) => file.includes('.test.'))).toBe(false);
  });

  it('publishes exports that point at dist only, and one runtime dependency', () => {
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as {
      exports: unknown;
      dependencies: Record<string, string>;
    };
    expect(manifest.exports).toEqual({ '.': { types: './dist/index.d.ts', default: './dist/index.js' } });
    expect(Object.keys(manifest.dependencies)).toEqual(['@noble/hashes']);
    // Installed alone: the package and its dependency, nothing else.
    const folders = readdirSync(join(install.dir, 'node_modules')).filter((name) => !name.startsWith('.'));
    expect(folders.sort()).toEqual(['@jupay', '@noble']);
  });

  it('verifies a signer delivery when imported from ESM', () => {
    const out = run(
      'verify.mjs',
      `import { verifyWebhook } from '@jupay/webhook';
const event = verifyWebhook(${JSON.stringify(W1.body)}, ${JSON.stringify(W1.header)}, ${JSON.stringify(vectors.secret)}, { now: ${W1.timestamp} });
console.log(event.type, event.data.orderId, event.data.amountFen);
try {
  verifyWebhook(${JSON.stringify(W1.body.replace('1230', '1231'))}, ${JSON.stringify(W1.header)}, ${JSON.stringify(vectors.secret)}, { now: ${W1.timestamp} });
} catch (error) {
  console.log(error.name, error.code);
}`,
    );
    expect(out).toBe('order.paid E20240301120000654321 1230\nWebhookVerificationError BAD_SIGNATURE');
  });

  it('loads with require() too (Node 20.19+ loads ES modules from CommonJS)', () => {
    const out = run(
      'verify.cjs',
      `const { signWebhook } = require('@jupay/webhook');
console.log(signWebhook(${JSON.stringify(W1.body)}, ${JSON.stringify(vectors.secret)}, { timestamp: ${W1.timestamp} }));`,
    );
    expect(out).toBe(W1.header);
  });

  it('types check for a Node16 consumer without DOM or Node types, and catch a misuse', () => {
    writeFileSync(
      join(install.dir, 'consumer.ts'),
      `import { verifyWebhook, WebhookVerificationError, type WebhookErrorCode } from '@jupay/webhook';
export function amount(body: string, header: string | undefined, secret: string): number {
  const event = verifyWebhook(body, header, secret, { toleranceSeconds: 300 });
  return event.type === 'order.paid' ? event.data.amountFen : 0;
}
export function code(error: unknown): WebhookErrorCode | null {
  return error instanceof WebhookVerificationError ? error.code : null;
}
`,
    );
    writeFileSync(
      join(install.dir, 'misuse.ts'),
      `import { verifyWebhook } from '@jupay/webhook';
export const wrong: string = verifyWebhook('{}', 't=1,v1=00', 's').data.amountFen;
`,
    );
    // No "lib": ["dom"] and no @types/node: the declarations must stand on ES2022 alone.
    const tsc = (file: string) => {
      const config = `tsconfig.${file}.json`;
      writeFileSync(
        join(install.dir, config),
        JSON.stringify({
          compilerOptions: {
            strict: true,
            noEmit: true,
            module: 'node16',
            target: 'es2022',
            lib: ['es2022'],
            types: [],
          },
          files: [file],
        }),
      );
      return execFileSync(process.execPath, [TSC, '-p', config], {
        cwd: install.dir,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    };
    expect(() => tsc('consumer.ts')).not.toThrow();
    let output = '';
    try {
      tsc('misuse.ts');
    } catch (error) {
      output = String((error as { stdout?: string }).stdout);
    }
    expect(output).toMatch(
      /misuse\.ts\(2,14\): error TS2322: Type 'number' is not assignable to type 'string'/,
    );
  });
});
