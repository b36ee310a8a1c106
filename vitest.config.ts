import { defineConfig } from 'vitest/config';

// One vitest run covers every Node-side package; each package keeps its own tiny project file.
export default defineConfig({
  test: {
    projects: [
      'packages/core',
      'packages/webhook',
      'packages/pay-button',
      'apps/gateway-sim',
      'apps/signer',
      'apps/demo',
    ],
  },
});
