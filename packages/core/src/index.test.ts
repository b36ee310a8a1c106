/**
 * @module index.test
 * The package's front door against its README: every export of `@jupay/core` is named in the README's API table,
 * and every error code it can throw is a row of the README's error table (and no row names a code that is gone).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as core from './index.ts';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The text of a `## name` section, up to the next `## ` heading. */
function section(name: string): string {
  const start = README.indexOf(`\n## ${name}\n`);
  if (start < 0) throw new Error(`README has no "## ${name}" section`);
  const end = README.indexOf('\n## ', start + 1);
  return README.slice(start, end < 0 ? undefined : end);
}

/** The names in backticks in the first column of a section's table rows: `name(args)` gives `name`. */
function firstColumnNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const row of text.matchAll(/^\| (.+?) \|/gm)) {
    for (const code of row[1]!.matchAll(/`([A-Za-z_$][\w$]*)/g)) names.add(code[1]!);
  }
  return names;
}

describe('README', () => {
  it('names every runtime export in the API table', () => {
    const listed = firstColumnNames(section('API'));
    expect(Object.keys(core).filter((name) => !listed.has(name))).toEqual([]);
  });

  it('lists exactly the error codes of ErrorCode in the error table', () => {
    const source = readFileSync(new URL('./errors.ts', import.meta.url), 'utf8');
    const union = source.slice(
      source.indexOf('export type ErrorCode'),
      source.indexOf(';', source.indexOf('export type ErrorCode')),
    );
    const codes = [...union.matchAll(/'([A-Z_]+)'/g)].map((m) => m[1]!);
    expect(codes.length).toBeGreaterThan(10);
    const rows = [...firstColumnNames(section('Error codes'))].filter((name) => /^[A-Z_]+$/.test(name));
    expect(rows.sort()).toEqual([...codes].sort());
  });
});
