/**
 * @module vitest.config — core's test project (from the root: `pnpm vitest run --project core`). Unit tests sit
 * beside their file in `src/`; the CLI in a child process, the browser bundle and docs/protocol.md's vectors in
 * `test/`; shared helpers and the vectors' typed loader in `test/helpers/`.
 */
import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'core', include: ['src/**/*.test.ts', 'test/**/*.test.ts'], testTimeout: 20_000 },
});
