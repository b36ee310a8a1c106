/**
 * @module helpers/http
 * Request and response shorthands of the route tests: a JSON POST, and the signer's error body read and checked
 * for its shape (`{ "error": { "code", "message" } }` and nothing else).
 */
import { expect } from 'vitest';

/**
 * A JSON POST (a string body is sent as it is, for malformed JSON).
 * @example
 * await t.request('/api/checkout', json({ bankCode: '903', amount: '1' }, { origin: SHOP_ORIGIN }));
 */
export const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

/**
 * The status, code and message of an error response, after checking the body holds only `error`.
 * @example
 * expect(await errorOf(res)).toMatchObject({ status: 404, code: 'ORDER_NOT_FOUND' });
 */
export async function errorOf(res: Response): Promise<{ status: number; code: string; message: string }> {
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(Object.keys(body)).toEqual(['error']);
  return { status: res.status, code: body.error.code, message: body.error.message };
}
