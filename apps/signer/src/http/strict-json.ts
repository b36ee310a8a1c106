/**
 * @module http/strict-json
 * A JSON parser for request bodies that refuses what `JSON.parse` silently accepts: a repeated key (the last one
 * would win, so two parties could read two different requests), and the keys `__proto__`, `constructor` and
 * `prototype`. Objects come back without a prototype. Depth is bounded.
 */
import { HttpError } from '../errors.ts';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_DEPTH = 16;

/**
 * Parses `text` as JSON; throws `INVALID_REQUEST` naming the problem (never echoing the body).
 * @example
 * parseStrictJson('{"a":1}');       // { a: 1 }
 * parseStrictJson('{"a":1,"a":2}'); // throws HttpError INVALID_REQUEST (duplicate key "a")
 */
export function parseStrictJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError('INVALID_REQUEST', 'the request body is not valid JSON');
  }
  // JSON.parse validated the syntax; this pass only walks the structure to find repeated or forbidden keys.
  new KeyScanner(text).scanValue(0);
  return value === null || typeof value !== 'object' ? value : withoutPrototypes(value);
}

function withoutPrototypes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPrototypes);
  if (value === null || typeof value !== 'object') return value;
  const out = Object.create(null) as Record<string, unknown>;
  for (const [k, v] of Object.entries(value)) out[k] = withoutPrototypes(v);
  return out;
}

class KeyScanner {
  private i = 0;
  constructor(private readonly text: string) {}

  private ws(): void {
    while (this.i < this.text.length && ' \t\n\r'.includes(this.text[this.i]!)) this.i++;
  }

  scanValue(depth: number): void {
    if (depth > MAX_DEPTH) throw new HttpError('INVALID_REQUEST', 'the JSON body is nested too deeply');
    this.ws();
    const ch = this.text[this.i];
    if (ch === '{') this.scanObject(depth);
    else if (ch === '[') this.scanArray(depth);
    else if (ch === '"') this.scanString();
    else {
      // number, true, false, null: already validated, skip to the next delimiter
      while (this.i < this.text.length && !',]} \t\n\r'.includes(this.text[this.i]!)) this.i++;
    }
  }

  private scanObject(depth: number): void {
    this.i++; // {
    const keys = new Set<string>();
    this.ws();
    if (this.text[this.i] === '}') {
      this.i++;
      return;
    }
    for (;;) {
      this.ws();
      const key = this.scanString();
      if (FORBIDDEN_KEYS.has(key))
        throw new HttpError('INVALID_REQUEST', `the JSON key "${key}" is not allowed`);
      if (keys.has(key))
        throw new HttpError('INVALID_REQUEST', `the JSON key "${key.slice(0, 40)}" is repeated`);
      keys.add(key);
      this.ws();
      this.i++; // :
      this.scanValue(depth + 1);
      this.ws();
      if (this.text[this.i++] === '}') return;
    }
  }

  private scanArray(depth: number): void {
    this.i++; // [
    this.ws();
    if (this.text[this.i] === ']') {
      this.i++;
      return;
    }
    for (;;) {
      this.scanValue(depth + 1);
      this.ws();
      if (this.text[this.i++] === ']') return;
    }
  }

  private scanString(): string {
    const start = this.i;
    this.i++; // opening quote
    while (this.text[this.i] !== '"') {
      if (this.text[this.i] === '\\') this.i++;
      this.i++;
    }
    this.i++;
    return JSON.parse(this.text.slice(start, this.i)) as string;
  }
}
