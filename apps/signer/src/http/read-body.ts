/**
 * @module http/read-body
 * Reads a request body as UTF-8 text with a byte limit, refusing oversize bodies before buffering them
 * (`Content-Length`) and while streaming (chunked bodies), and refusing bytes that are not UTF-8. A body that ends
 * early (the client disconnected) is the client's problem: `INVALID_REQUEST`, not an unhandled error. A refused
 * oversize body is answered with `Connection: close`, because its unread rest is never read: the server closes the
 * connection after the answer, and says so.
 */
import type { Context } from 'hono';
import { HttpError } from '../errors.ts';

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

function tooLarge(limit: number): HttpError {
  return new HttpError('PAYLOAD_TOO_LARGE', `the request body is larger than ${limit} bytes`, {
    Connection: 'close',
  });
}

/** The client went away (or the framing broke) before the whole body arrived. */
function cutShort(): HttpError {
  return new HttpError('INVALID_REQUEST', 'the request body ended early (the client disconnected)');
}

/**
 * The body as text; throws `PAYLOAD_TOO_LARGE` past `limit` bytes and `INVALID_REQUEST` for invalid UTF-8.
 * @example
 * const text = await readBodyText(c, 16_384);
 */
export async function readBodyText(c: Context, limit: number): Promise<string> {
  const declared = c.req.header('content-length');
  if (declared !== undefined && (!/^\d+$/.test(declared) || Number(declared) > limit)) {
    throw tooLarge(limit);
  }
  let bytes: Uint8Array;
  try {
    if (declared !== undefined) {
      // HTTP framing delivers exactly Content-Length bytes, already checked against the limit: read in one go
      // (the Node adapter's fast path, no web stream).
      bytes = new Uint8Array(await c.req.raw.arrayBuffer());
    } else {
      bytes = await readChunked(c.req.raw.body, limit);
    }
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw cutShort();
  }
  try {
    return decoder.decode(bytes);
  } catch {
    throw new HttpError('INVALID_REQUEST', 'the request body is not valid UTF-8');
  }
}

/** A body without Content-Length (chunked) is counted while it streams and cut at the limit. */
async function readChunked(body: ReadableStream<Uint8Array> | null, limit: number): Promise<Uint8Array> {
  if (body === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}
