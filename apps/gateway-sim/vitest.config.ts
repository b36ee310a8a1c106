/**
 * @module vitest.config — the simulator's test project (from the root: `pnpm vitest run --project gateway-sim`).
 * Unit tests sit beside their file in `src/` (the routes over real HTTP on a free port, in process); the standalone
 * server as a child process in `test/`; the shared fixtures (a running simulator, a merchant receiver, signed
 * forms) in `test/helpers/`.
 */
import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'gateway-sim', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
