/**
 * @module vitest.config — the demo's test project (from the root: `pnpm vitest run --project demo`). Unit tests sit
 * beside their file in `src/`; the whole stack (in process or as the `pnpm start` child process) and the
 * end-to-end runs in Debian's Chromium (`*.e2e.test.ts`) in `test/`.
 */
import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'demo',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
