#!/usr/bin/env node
// The published CLI runs the compiled code; in the workspace use `pnpm jupay ...` (runs the TypeScript source).
import '../dist/cli/main.js';
