/**
 * @module helpers/leak-log
 * The captured output of one test file (response bodies, response headers, log lines) and the secrets that must
 * never appear in it. The scan lives here; `leak-guard.ts` runs it after each file.
 */

const captured: { where: string; text: string }[] = [];
const secrets = new Set<string>();

/** The in-memory record, for the test that checks the guard itself. */
export const leakLog = { captured, secrets };

/**
 * Registers a secret (a key) that must not appear in any captured text.
 * @example
 * guardSecret(config.gateways[0]!.key);
 */
export function guardSecret(secret: string): void {
  secrets.add(secret);
}

/**
 * Records one response body, header block or log line.
 * @example
 * captureText('GET /api/config 200', await res.clone().text());
 */
export function captureText(where: string, text: string): void {
  captured.push({ where, text });
}

const reading = new Set<Promise<void>>();

/**
 * Records a response's headers now and its body as it streams (from a clone, so the caller's copy is untouched).
 * A body that never ends is scanned as far as it got; {@link settleCaptures} waits for the others.
 * @example
 * captureResponse(`GET ${url}`, response);
 */
export function captureResponse(where: string, response: Response): void {
  const entry = {
    where,
    text: `${response.status}\n${[...response.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n`,
  };
  captured.push(entry);
  const body = response.clone().body;
  if (!body) return;
  const decoder = new TextDecoder();
  const read = (async () => {
    const reader = body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      entry.text += decoder.decode(value, { stream: true });
    }
    entry.text += decoder.decode();
  })().catch(() => undefined);
  reading.add(read);
  void read.finally(() => reading.delete(read));
}

/** Waits (at most `timeoutMs`) for the response bodies still being read by {@link captureResponse}. */
export async function settleCaptures(timeoutMs = 2_000): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    Promise.all([...reading]),
    new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
  ]);
  clearTimeout(timer);
}

/** The first captured text holding a secret (raw, URL-encoded or in any letter case), or undefined. */
export function findSecret(): { where: string; secret: string } | undefined {
  return findSecretIn(captured, secrets);
}

/**
 * The scan itself, over any texts (so the guard can be tested on planted leaks without failing its own file).
 * @example
 * findSecretIn([{ where: 'x', text: 'key=abc' }], ['abc']); // { where: 'x', secret: 'abc' }
 */
export function findSecretIn(
  texts: readonly { where: string; text: string }[],
  secretList: Iterable<string>,
): { where: string; secret: string } | undefined {
  for (const secret of secretList) {
    const forms = [secret, encodeURIComponent(secret), secret.toLowerCase(), secret.toUpperCase()];
    for (const { where, text } of texts) {
      const lower = text.toLowerCase();
      if (forms.some((f) => text.includes(f) || lower.includes(f.toLowerCase()))) return { where, secret };
    }
  }
  return undefined;
}

/** Counts, so a test can prove the guard saw real traffic. */
export function capturedCount(): number {
  return captured.length;
}
