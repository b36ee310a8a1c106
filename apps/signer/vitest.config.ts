/** @module vitest.config — the signer's test project (run from the root: `npx vitest run --project signer`). */
import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'signer',
    include: ['src/**/*.test.ts'],
    // Every file's responses and log lines are scanned for the key after its tests (see src/test-support/).
    setupFiles: ['src/test-support/leak-guard.ts'],
    testTimeout: 20_000,
  },
});
