/** @module config/env-file.test */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseEnvFile, withEnvFile } from './env-file.ts';

describe('parseEnvFile', () => {
  it('reads names, comments, export, quotes and inline comments', () => {
    const env = parseEnvFile(
      [
        '\uFEFF# a comment',
        'A=1',
        'export B = two words ',
        'C="x\\ny \\"q\\" # not a comment"',
        "D='$literal\\n'",
        'E=value # comment',
        'F=',
        '',
        'G=a#b',
      ].join('\r\n'),
    );
    expect({ ...env }).toEqual({
      A: '1',
      B: 'two words',
      C: 'x\ny "q" # not a comment',
      D: '$literal\\n',
      E: 'value',
      F: '',
      G: 'a#b',
    });
  });

  it('refuses malformed lines by number, without echoing values', () => {
    expect(() => parseEnvFile('A=1\nnot a setting')).toThrow('.env line 2: expected NAME=value');
    expect(() => parseEnvFile('1A=x')).toThrow('.env line 1: invalid name');
    expect(() => parseEnvFile('K="secret-value')).toThrow(/line 1: unterminated double quote in K$/);
    expect(() => parseEnvFile("K='secret-value")).toThrow(/unterminated single quote/);
  });
});

describe('withEnvFile', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('merges the file under the environment, which wins; a missing file is fine', () => {
    dir = mkdtempSync(join(tmpdir(), 'jupay-env-'));
    const path = join(dir, '.env');
    writeFileSync(path, 'A=file\nB=file\n');
    expect(withEnvFile({ A: 'env', C: undefined }, path)).toEqual({ A: 'env', B: 'file' });
    expect(withEnvFile({ A: 'env' }, join(dir, 'missing.env'))).toEqual({ A: 'env' });
  });
});
