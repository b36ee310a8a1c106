/** @module http/raw-query.test — the query string exactly as sent, never decoded or re-encoded. */
import { describe, expect, it } from 'vitest';
import { rawQuery } from './raw-query.ts';

describe('rawQuery', () => {
  it.each([
    ['https://pay.example/api/notify?orderid=E1&sign=AB', 'orderid=E1&sign=AB'],
    // Percent-encoding and '+' are kept as they came: the signature is over these bytes.
    ['http://127.0.0.1/api/return?attach=a%26b+c&x=%E4%zz', 'attach=a%26b+c&x=%E4%zz'],
    // Only the first '?' separates; later ones belong to the query.
    ['http://h/p?a=1?b=2', 'a=1?b=2'],
    ['http://h/p?', ''],
    ['http://h/p', ''],
  ])('%s -> %j', (url, query) => {
    expect(rawQuery(url)).toBe(query);
  });
});
