/**
 * @module admin/session
 * The operator console's sessions and CSRF tokens, with no server-side state, so every signer instance that shares
 * `JUPAY_ADMIN_TOKEN` accepts the same sign-in. A session cookie is `v1.<expiry ms>.<nonce>.<HMAC>`, keyed by a
 * key derived from the admin token (a fresh random key per process on a token-less admin port); the CSRF token of a
 * session is an HMAC of its nonce under the same key, so a form posted from another site, which carries neither the
 * SameSite=Strict cookie nor the token, is refused. Changing the admin token ends every session.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** How long a sign-in lasts. */
export const SESSION_TTL_MS = 12 * 3_600_000;

/** One session, as read from its cookie. */
export interface Session {
  nonce: string;
  expiresAt: number;
}

/** Sessions and CSRF tokens under one key. */
export interface SessionKeys {
  /** A new session's cookie value. */
  issue(now: number): { value: string; session: Session };
  /** The session in a cookie value, or null when it is forged, malformed or expired. */
  read(value: string | undefined, now: number): Session | null;
  /** The CSRF token of a session. */
  csrfToken(session: Session): string;
  /** true when `token` is the session's CSRF token. */
  checkCsrf(session: Session, token: string | undefined): boolean;
}

/**
 * Session keys derived from the admin token, or random ones (null token: the admin port without one).
 * @example
 * const keys = sessionKeys(config.adminToken);
 * const { value } = keys.issue(Date.now()); // set as the jupay_admin cookie
 */
export function sessionKeys(adminToken: string | null): SessionKeys {
  const key =
    adminToken === null
      ? randomBytes(32)
      : createHmac('sha256', adminToken).update('jupay admin session v1').digest();
  const mac = (text: string) => createHmac('sha256', key).update(text).digest('hex');
  const same = (a: string, b: string) =>
    a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
  return {
    issue(now) {
      const session = { nonce: randomBytes(16).toString('hex'), expiresAt: now + SESSION_TTL_MS };
      const body = `v1.${session.expiresAt}.${session.nonce}`;
      return { value: `${body}.${mac(body)}`, session };
    },
    read(value, now) {
      const match = /^v1\.(\d{1,16})\.([0-9a-f]{32})\.([0-9a-f]{64})$/.exec(value ?? '');
      if (!match) return null;
      const [, expiry, nonce, signature] = match as unknown as [string, string, string, string];
      if (!same(signature, mac(`v1.${expiry}.${nonce}`))) return null;
      const expiresAt = Number(expiry);
      return expiresAt > now ? { nonce, expiresAt } : null;
    },
    csrfToken: (session) => mac(`csrf.${session.nonce}`),
    checkCsrf(session, token) {
      return typeof token === 'string' && same(token, mac(`csrf.${session.nonce}`));
    },
  };
}
