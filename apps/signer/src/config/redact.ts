/**
 * @module config/redact
 * The last guard of every message about settings: the merchant key and the webhook secret, pasted into the wrong
 * setting, are cut out of configuration and start-up errors before anyone prints them.
 */

/**
 * `text` with every secret of 8 characters or more replaced by `[redacted]`, as written, JSON-escaped or
 * URL-encoded (a path or a URL in a message may carry either form).
 * @example
 * redactSecrets('HOST: t4ig5acnpx4f does not resolve', [key]); // 'HOST: [redacted] does not resolve'
 */
export function redactSecrets(text: string, secrets: readonly (string | null | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length < 8) continue;
    const forms = new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)]);
    for (const form of forms) if (out.includes(form)) out = out.split(form).join('[redacted]');
  }
  return out;
}
