/** @module http/strict-json.test — what JSON.parse accepts and the signer refuses: repeated and prototype keys. */
import { describe, expect, it } from 'vitest';
import { HttpError } from '../errors.ts';
import { parseStrictJson } from './strict-json.ts';

function refusal(text: string): string {
  try {
    parseStrictJson(text);
  } catch (error) {
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).code).toBe('INVALID_REQUEST');
    return (error as HttpError).message;
  }
  throw new Error(`accepted ${text}`);
}

describe('parseStrictJson', () => {
  it('parses what JSON.parse parses, objects without a prototype at every depth', () => {
    const text = ' { "a" : [1, {"b": "x\\"}"}, null, true], "c": {"d": -1.5e3}, "e": "\\u4e2d" } ';
    const value = parseStrictJson(text) as Record<string, unknown>;
    expect(JSON.stringify(value)).toBe(JSON.stringify(JSON.parse(text)));
    expect(Object.getPrototypeOf(value)).toBeNull();
    expect(Object.getPrototypeOf((value.a as unknown[])[1])).toBeNull();
    expect(Object.getPrototypeOf(value.c)).toBeNull();
    for (const primitive of ['1', '"s"', 'true', 'null', '[]']) {
      expect(parseStrictJson(primitive)).toEqual(JSON.parse(primitive));
    }
  });

  it('refuses a key repeated in one object, at any depth, however it is escaped', () => {
    expect(refusal('{"a":1,"a":2}')).toBe('the JSON key "a" is repeated');
    expect(refusal('{"x":[{"b":1,"b":1}]}')).toBe('the JSON key "b" is repeated');
    // "\u0061" is "a": the same key to JSON.parse.
    expect(refusal('{"a":1,"\\u0061":2}')).toBe('the JSON key "a" is repeated');
    expect(refusal(`{"${'k'.repeat(60)}":1,"${'k'.repeat(60)}":2}`)).toBe(
      `the JSON key "${'k'.repeat(40)}" is repeated`,
    );
    // The same key in two different objects is fine.
    expect(parseStrictJson('{"a":{"a":1},"b":{"a":2}}')).toEqual({ a: { a: 1 }, b: { a: 2 } });
  });

  it('refuses __proto__, constructor and prototype as keys anywhere', () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      expect(refusal(`{"${key}":{"amount":"0.01"}}`)).toBe(`the JSON key "${key}" is not allowed`);
      expect(refusal(`[{"ok":[{"${key}":1}]}]`)).toBe(`the JSON key "${key}" is not allowed`);
    }
  });

  it('refuses nesting deeper than 16 and text that is not JSON, without echoing it', () => {
    expect(parseStrictJson(`${'['.repeat(16)}1${']'.repeat(16)}`)).toBeDefined();
    expect(refusal(`${'['.repeat(18)}${']'.repeat(18)}`)).toBe('the JSON body is nested too deeply');
    for (const text of ['{"a":', "{'a':1}", '{"a":1}x', '', 'secret-token']) {
      expect(refusal(text)).toBe('the request body is not valid JSON');
    }
  });
});
