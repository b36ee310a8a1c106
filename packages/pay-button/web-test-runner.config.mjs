// @module web-test-runner config: every src/**/*.test.ts in headless Chromium, TypeScript through esbuild with the
// package tsconfig (legacy decorators), plus a tiny fake signer and gateway served for the strict-CSP page test.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { fileURLToPath } from 'node:url';
import { fakeServer } from './test/helpers/fake-server.mjs';

export default {
  files: ['src/**/*.test.ts'],
  nodeResolve: true,
  rootDir: fileURLToPath(new URL('.', import.meta.url)),
  middleware: [fakeServer],
  plugins: [
    esbuildPlugin({ ts: true, tsconfig: fileURLToPath(new URL('./tsconfig.json', import.meta.url)) }),
  ],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
      },
    }),
  ],
  filterBrowserLogs: ({ args }) => !String(args[0]).includes('Lit is in dev mode'),
  testFramework: { config: { timeout: 10000, ...(process.env.GREP && { grep: process.env.GREP }) } },
};
