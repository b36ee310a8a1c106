/**
 * @module errors.test
 * The signer's error codes against its README: the Errors table lists exactly the codes of `ERROR_STATUS`, each with
 * the status the signer answers it with, so a client (`<pay-button>`, a merchant's own page) can rely on the table.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_STATUS, HttpError } from './errors.ts';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('ERROR_STATUS', () => {
  it('is the README Errors table, code for code and status for status', () => {
    const start = README.indexOf('\n## Errors\n');
    expect(start).toBeGreaterThan(0);
    const table = README.slice(start, README.indexOf('\n## ', start + 1));
    const rows = [...table.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1]!, Number(m[2])]);
    expect(Object.fromEntries(rows)).toEqual(ERROR_STATUS);
    expect(rows).toHaveLength(Object.keys(ERROR_STATUS).length);
  });

  it('gives an HttpError the status of its code', () => {
    expect(new HttpError('RATE_LIMITED', 'slow down', { 'Retry-After': '5' })).toMatchObject({
      code: 'RATE_LIMITED',
      status: 429,
      headers: { 'Retry-After': '5' },
      message: 'slow down',
    });
  });
});
