/** @module http/read-fields.test — strict string fields from JSON or a form, on a tiny app. */
import { describe, expect, it } from 'vitest';
import { errorOf } from '../../test/helpers/http.ts';
import { tinyApp } from '../../test/helpers/tiny-app.ts';
import { readFields } from './read-fields.ts';

function setUp() {
  const { app } = tinyApp();
  app.post('/fields', async (c) => {
    const fields = await readFields(c, 256);
    return c.json({ fields, prototype: Object.getPrototypeOf(fields) === null ? null : 'Object' });
  });
  const post = (body: RequestInit['body'], type?: string) =>
    app.request('/fields', { method: 'POST', body, headers: type ? { 'content-type': type } : {} });
  return post;
}

describe('readFields', () => {
  it('reads a JSON object of strings and a form alike, into objects without a prototype', async () => {
    const post = setUp();
    for (const [body, type] of [
      ['{"bankCode":"903","amount":"12.30"}', 'application/json'],
      ['{"bankCode":"903","amount":"12.30"}', 'application/json; charset=UTF-8'],
      ['{"bankCode":"903","amount":"12.30"}', 'Application/JSON; charset="utf-8"'],
      ['bankCode=903&amount=12.30', 'application/x-www-form-urlencoded'],
      ['bankCode=903&amount=12%2E30', 'application/x-www-form-urlencoded; charset=utf8'],
    ]) {
      expect(await (await post(body!, type)).json()).toEqual({
        fields: { bankCode: '903', amount: '12.30' },
        prototype: null,
      });
    }
  });

  it('refuses any other media type or charset with 415', async () => {
    const post = setUp();
    for (const type of [
      undefined,
      'text/plain',
      'multipart/form-data; boundary=x',
      'application/json; charset=latin1',
    ]) {
      expect(await errorOf(await post('{}', type))).toMatchObject({
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
      });
    }
  });

  it('refuses JSON that is not an object of strings, naming the field', async () => {
    const post = setUp();
    const cases: [string, string][] = [
      ['[]', 'the JSON body must be an object'],
      ['null', 'the JSON body must be an object'],
      ['"903"', 'the JSON body must be an object'],
      ['{"amount":12.3}', 'amount must be a string'],
      ['{"amount":{"yuan":"1"}}', 'amount must be a string'],
      [`{"${'k'.repeat(100)}":1}`, `${'k'.repeat(40)} must be a string`],
      ['{"a":"1","a":"2"}', 'the JSON key "a" is repeated'],
      ['{"a":', 'the request body is not valid JSON'],
    ];
    for (const [body, message] of cases) {
      expect(await errorOf(await post(body, 'application/json'))).toEqual({
        status: 400,
        code: 'INVALID_REQUEST',
        message,
      });
    }
  });

  it('refuses a form with a repeated field, bad percent-encoding or a prototype key', async () => {
    const post = setUp();
    const form = 'application/x-www-form-urlencoded';
    expect(await errorOf(await post('a=1&a=2', form))).toMatchObject({
      code: 'INVALID_REQUEST',
      message: 'field a appears more than once',
    });
    expect(await errorOf(await post('a=%E4%zz', form))).toMatchObject({
      status: 400,
      code: 'INVALID_REQUEST',
    });
    for (const name of ['__proto__', 'constructor', 'prototype']) {
      expect(await errorOf(await post(`${name}=x&a=1`, form))).toEqual({
        status: 400,
        code: 'INVALID_REQUEST',
        message: `the field "${name}" is not allowed`,
      });
    }
  });

  it('keeps the body limit of readBodyText', async () => {
    const post = setUp();
    const big = JSON.stringify({ attach: 'x'.repeat(300) });
    expect(await errorOf(await post(big, 'application/json'))).toMatchObject({ status: 413 });
  });
});
