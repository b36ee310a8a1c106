/**
 * @module http/raw-query
 * The query string of a request URL exactly as sent, for routes that verify a signature over it: the gateway may
 * send its notification and its return as a GET, and a signature is checked over the raw text, never over a
 * re-encoded copy.
 */

/**
 * Everything after the first `?` of `url`, undecoded; '' when there is none.
 * @example
 * rawQuery('https://pay.shop.example/api/notify?orderid=E1&sign=AB'); // 'orderid=E1&sign=AB'
 */
export function rawQuery(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? '' : url.slice(q + 1);
}
