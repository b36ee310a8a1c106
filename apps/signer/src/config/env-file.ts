/**
 * @module config/env-file
 * A small `.env` parser (no dependency): `NAME=value` lines, `#` comments, optional `export `, single quotes taken
 * literally, double quotes with `\n`, `\"` and `\\` escapes. No variable interpolation, on purpose: a key may
 * contain `$`.
 */
import { readFileSync } from 'node:fs';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Parses the text of a `.env` file. Throws on a malformed line, naming its number (never its value).
 * @example
 * parseEnvFile('JUPAY_MEMBER_ID=10002\n# comment\nJUPAY_KEY="abc"\n'); // { JUPAY_MEMBER_ID: '10002', JUPAY_KEY: 'abc' }
 */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = (lines[i] ?? '').trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('export ')) line = line.slice(7).trimStart();
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`.env line ${i + 1}: expected NAME=value`);
    const name = line.slice(0, eq).trim();
    if (!NAME.test(name)) throw new Error(`.env line ${i + 1}: invalid name`);
    let value = line.slice(eq + 1).trim();
    if (value.startsWith('"')) {
      const end = findClosingQuote(value);
      if (end < 0) throw new Error(`.env line ${i + 1}: unterminated double quote in ${name}`);
      value = value
        .slice(1, end)
        .replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c === 't' ? '\t' : c));
    } else if (value.startsWith("'")) {
      const end = value.indexOf("'", 1);
      if (end < 0) throw new Error(`.env line ${i + 1}: unterminated single quote in ${name}`);
      value = value.slice(1, end);
    } else {
      // An unquoted value ends at ` #` (an inline comment).
      const hash = value.search(/\s#/);
      if (hash >= 0) value = value.slice(0, hash).trimEnd();
    }
    out[name] = value;
  }
  return out;
}

function findClosingQuote(value: string): number {
  for (let i = 1; i < value.length; i++) {
    if (value[i] === '\\') i++;
    else if (value[i] === '"') return i;
  }
  return -1;
}

/**
 * Reads `path` when it exists and merges it under `env`: variables already set in the environment win.
 * @example
 * const env = withEnvFile(process.env, '.env');
 */
export function withEnvFile(
  env: Record<string, string | undefined>,
  path: string,
): Record<string, string | undefined> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return env;
    throw error;
  }
  return { ...parseEnvFile(text), ...definedOnly(env) };
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}
