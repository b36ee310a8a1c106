/**
 * @module cli/post-form
 * One form POST with a timeout, as the CLI's network commands send it; a network failure becomes a one-line error.
 */
import { UsageError } from './args.ts';

/**
 * POSTs an `application/x-www-form-urlencoded` body and returns the status and the reply text.
 *
 * @example
 * const { status, text } = await postForm('http://127.0.0.1:4100/Pay_Trade_query.html', body, 10_000);
 */
export async function postForm(
  url: string,
  body: string,
  timeoutMs: number,
): Promise<{ status: number; text: string }> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: response.status, text: await response.text() };
  } catch (error) {
    throw new UsageError(`cannot reach ${url}: ${error instanceof Error ? error.message : String(error)}`, 1);
  }
}
