#!/usr/bin/env node
// The installed command runs the compiled JavaScript (plain Node, no TypeScript loader); in the workspace, `pnpm
// build` makes it, and `pnpm --filter @jupay/signer start` runs the sources.
import '../dist/cli/main.js';
