/** @module vitest.config: the package's Node-side test (installing it into a fresh Vite app); the element's own tests run in Chromium under web-test-runner. */
import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'pay-button',
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
