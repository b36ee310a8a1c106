/**
 * @module test/helpers/global-setup
 * Packs @jupay/webhook once for the whole test run, before any test file starts, and hands the tarball's path to
 * the files that install it (`inject('webhookTarball')`). Packing builds `dist` again; doing it once keeps two
 * files from rebuilding it under each other.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { packWebhook } from './packed.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The packed @jupay/webhook of this run. */
    webhookTarball: string;
  }
}

/**
 * Vitest's global set-up: pack, provide, and delete the tarball after the run.
 *
 * @example
 * // vitest.config.ts
 * test: { globalSetup: ['test/helpers/global-setup.ts'] }
 */
export default function setup(project: TestProject): () => void {
  const destination = mkdtempSync(join(tmpdir(), 'jupay-webhook-tarball-'));
  project.provide('webhookTarball', packWebhook(destination));
  return () => rmSync(destination, { recursive: true, force: true });
}
