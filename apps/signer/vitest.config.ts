/**
 * @module vitest.config — the signer's test project (run from the root: `pnpm vitest run --project signer`).
 * Unit tests sit beside their file in `src/`; process-level and whole-app suites (spawned signers, clusters, real
 * servers over HTTP) in `test/`; their shared helpers in `test/helpers/`.
 */
import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'signer',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Every file's responses and log lines are scanned for the key after its tests (see test/helpers/leak-guard.ts).
    setupFiles: ['test/helpers/leak-guard.ts'],
    testTimeout: 20_000,
  },
});
