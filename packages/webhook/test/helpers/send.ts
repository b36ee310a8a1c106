/**
 * @module test/helpers/send
 * Hand-made webhook requests for the refusal checks, signed with node:crypto: an implementation independent of the
 * package, as a receiver in another language would compute it.
 */
import { createHmac } from 'node:crypto';

/**
 * A `Jupay-Signature` value computed with node:crypto.
 *
 * @example
 * nodeSignature(body, secret, Math.floor(Date.now() / 1000));
 */
export function nodeSignature(body: string, secret: string, timestamp: number): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

/**
 * POSTs a body with an optional signature; resolves with the status and the answer's text.
 *
 * @example
 * const { status } = await post(url, body, nodeSignature(body, secret, now));
 */
export async function post(
  url: string,
  body: string,
  signature?: string,
): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature !== undefined) headers['jupay-signature'] = signature;
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, text: await response.text() };
}
