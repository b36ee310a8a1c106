/**
 * @module vitest.config — the package's Node-side tests (from the root: `pnpm vitest run --project pay-button`): the
 * build's template minifier beside its file in `build/`, and `test/vite-app.test.ts`, which installs the built
 * package into fresh Vite apps. The element's own tests sit beside their
 * files in `src/` and run in Chromium under web-test-runner (`pnpm --filter @jupay/pay-button test:browser`); their
 * helpers are in `test/helpers/`.
 */
import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'pay-button',
    include: ['build/**/*.test.ts', 'test/vite-app.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
