/**
 * @module store/ensure-directory
 * Creates the directory an SQLite file goes in, one level at a time. Node 20's `mkdirSync(path, { recursive: true })`
 * never returns on a path under `/proc` (procfs answers `mkdir` with ENOENT although the parent exists, and Node
 * retries the parent for ever at 100 % CPU); here every `mkdir` is tried once and its error is the answer.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Makes sure `directory` exists, creating missing parents first. Throws the file system's error (with its `code`)
 * when a level cannot be created, or when something that is not a directory is in the way.
 * @example
 * ensureDirectory('/var/lib/jupay'); // mkdir /var/lib, then /var/lib/jupay, as needed
 */
export function ensureDirectory(directory: string): void {
  const missing: string[] = [];
  let current = directory;
  for (;;) {
    const stat = statSync(current, { throwIfNoEntry: false });
    if (stat) {
      if (!stat.isDirectory()) {
        throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${current}'`), { code: 'ENOTDIR' });
      }
      break;
    }
    missing.push(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  // Outermost first; each level exactly once.
  for (const level of missing.reverse()) {
    try {
      mkdirSync(level);
    } catch (error) {
      // Another process may have created it meanwhile; anything else is the answer.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
