/** @module store/ensure-directory.test — creating an SQLite file's directory, and failing fast where it cannot be. */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureDirectory } from './ensure-directory.ts';

const dir = mkdtempSync(join(tmpdir(), 'jupay-ensure-dir-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ensureDirectory', () => {
  it('creates every missing level, and accepts one that exists', () => {
    const path = join(dir, 'a', 'b', 'c');
    ensureDirectory(path);
    expect(statSync(path).isDirectory()).toBe(true);
    expect(() => ensureDirectory(path)).not.toThrow();
  });

  it('refuses a file in the way', () => {
    writeFileSync(join(dir, 'file'), '');
    expect(() => ensureDirectory(join(dir, 'file', 'sub'))).toThrow(
      expect.objectContaining({ code: 'ENOTDIR' }),
    );
  });

  it('fails at once under /proc, where a recursive mkdir never returns', () => {
    const started = Date.now();
    expect(() => ensureDirectory('/proc/jupay-ensure-dir-test/data')).toThrow(
      expect.objectContaining({ code: 'ENOENT' }),
    );
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
