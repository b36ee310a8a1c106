/**
 * @module http/read-fields
 * The body of a browser route as flat string fields, from JSON or an urlencoded form, strictly: the content type
 * must be one of those two, keys may not repeat, percent-encoding must be valid, values must be strings.
 */
import { parseForm, ValidationError } from '@jupay/core';
import type { Context } from 'hono';
import { HttpError } from '../errors.ts';
import { readBodyText } from './read-body.ts';
import { parseStrictJson } from './strict-json.ts';

/**
 * Reads `{ name: string }` fields from a JSON object or form body, at most `limit` bytes.
 * @example
 * const fields = await readFields(c, 16_384); // { bankCode: '903', amount: '12.30' }
 */
export async function readFields(c: Context, limit: number): Promise<Record<string, string>> {
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  const [mediaType = '', ...params] = type.split(';').map((s) => s.trim());
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice(8)
    .replace(/"/g, '');
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new HttpError('UNSUPPORTED_MEDIA_TYPE', 'only UTF-8 bodies are accepted');
  }
  if (mediaType === 'application/json') {
    const value = parseStrictJson(await readBodyText(c, limit));
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new HttpError('INVALID_REQUEST', 'the JSON body must be an object');
    }
    const fields = Object.create(null) as Record<string, string>;
    for (const [name, v] of Object.entries(value)) {
      if (typeof v !== 'string')
        throw new HttpError('INVALID_REQUEST', `${name.slice(0, 40)} must be a string`);
      fields[name] = v;
    }
    return fields;
  }
  if (mediaType === 'application/x-www-form-urlencoded') {
    const text = await readBodyText(c, limit);
    let fields: Record<string, string>;
    try {
      fields = parseForm(text);
    } catch (error) {
      if (error instanceof ValidationError) throw new HttpError('INVALID_REQUEST', error.message);
      throw error;
    }
    for (const name of Object.keys(fields)) {
      if (name === '__proto__' || name === 'constructor' || name === 'prototype') {
        throw new HttpError('INVALID_REQUEST', `the field "${name}" is not allowed`);
      }
    }
    return fields;
  }
  throw new HttpError('UNSUPPORTED_MEDIA_TYPE', 'send application/json or application/x-www-form-urlencoded');
}
