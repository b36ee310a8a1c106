/** @module vitest.config — the webhook package's tests: unit tests in src/, the packed package and the README's receivers in test/. */
import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'webhook',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    // The process-level suites pack, install and start real servers (and php-cli): minutes on a cold machine.
    testTimeout: 60_000,
    hookTimeout: 300_000,
  },
});
