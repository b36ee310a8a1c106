/** @module vitest.config — the demo's test project: the whole stack in-process, driven by Debian's Chromium. */
import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'demo',
    include: ['e2e/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
