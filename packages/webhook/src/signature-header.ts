/**
 * @module signature-header
 * The `Jupay-Signature` value: comma-separated `name=value` entries, `t=<unix seconds>` and one or more
 * `v1=<64 hex digits>`. Several `v1` entries let a sender sign with an old and a new secret while receivers switch;
 * entries of other names (a later `v2`) are ignored, so a sender can add a scheme without breaking receivers.
 */
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { WebhookVerificationError } from './errors.ts';
import { SIGNATURE_HEADER } from './headers.ts';

/** A parsed `Jupay-Signature` value. */
export interface SignatureHeader {
  /** Unix seconds, as signed. */
  timestamp: number;
  /** The `v1` MACs, 32 bytes each, in the order given. */
  signatures: Uint8Array[];
}

/**
 * The header value for one MAC.
 *
 * @example
 * formatSignatureHeader(1709265606, mac); // 't=1709265606,v1=c2405276...'
 */
export function formatSignatureHeader(timestamp: number, mac: Uint8Array): string {
  return `t=${timestamp},v1=${bytesToHex(mac)}`;
}

/**
 * Parses a received header value. Node gives a repeated header as an array; its entries are read as one list.
 * Throws {@link WebhookVerificationError} `MISSING_SIGNATURE` or `MALFORMED_SIGNATURE`.
 *
 * @example
 * parseSignatureHeader('t=1709265606, v1=C240...').timestamp; // 1709265606 (spaces and hex case do not matter)
 */
export function parseSignatureHeader(value: string | readonly string[] | null | undefined): SignatureHeader {
  const text = Array.isArray(value) ? value.join(',') : value;
  if (typeof text !== 'string' || text.trim() === '') {
    throw new WebhookVerificationError('MISSING_SIGNATURE', `${SIGNATURE_HEADER} header is missing`);
  }
  let timestamp: number | undefined;
  const signatures: Uint8Array[] = [];
  for (const entry of text.split(',')) {
    const eq = entry.indexOf('=');
    if (eq < 0) continue;
    const name = entry.slice(0, eq).trim();
    const item = entry.slice(eq + 1).trim();
    if (name === 't' && /^\d{1,12}$/.test(item)) timestamp = Number(item);
    else if (name === 'v1' && /^[0-9a-f]{64}$/i.test(item)) signatures.push(hexToBytes(item.toLowerCase()));
  }
  if (timestamp === undefined || signatures.length === 0) {
    throw new WebhookVerificationError(
      'MALFORMED_SIGNATURE',
      `${SIGNATURE_HEADER} needs t=<seconds>,v1=<hex>`,
    );
  }
  return { timestamp, signatures };
}
