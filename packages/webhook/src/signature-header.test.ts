/**
 * @module signature-header.test
 * The header's grammar as the signer's verifier read it: tolerant of spaces, hex case, unknown schemes, several
 * `v1` entries and a repeated header; strict about a missing timestamp or MAC.
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { WebhookVerificationError } from './errors.ts';
import { formatSignatureHeader, parseSignatureHeader } from './signature-header.ts';

const A = 'c2405276a45639aeb0c77826d34eca7683f697fbe08a4267ec6d3a223531504e';
const B = 'a198cbbf164b34be9bb4b6a55ddd604757c1f1301e28f193a380158beffe689c';

function code(value: Parameters<typeof parseSignatureHeader>[0]): string {
  try {
    parseSignatureHeader(value);
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error.code;
    throw error;
  }
  return 'parsed';
}

function parsed(value: string | string[]) {
  const header = parseSignatureHeader(value);
  return { timestamp: header.timestamp, signatures: header.signatures.map((s) => bytesToHex(s)) };
}

describe('formatSignatureHeader', () => {
  it('writes t then one lower-case v1', () => {
    const mac = Uint8Array.from(A.match(/../g)!.map((h) => parseInt(h, 16)));
    expect(formatSignatureHeader(1709265606, mac)).toBe(`t=1709265606,v1=${A}`);
  });
});

describe('parseSignatureHeader', () => {
  it('reads what the sender writes', () => {
    expect(parsed(`t=1709265606,v1=${A}`)).toEqual({ timestamp: 1709265606, signatures: [A] });
  });

  it('tolerates spaces, upper-case hex, unknown schemes, several v1 entries and a repeated header', () => {
    expect(parsed(` t=5 , v0=abc, v2=${B}, v1=${A.toUpperCase()} ,v1=${B}`)).toEqual({
      timestamp: 5,
      signatures: [A, B],
    });
    expect(parsed([`t=5,v1=${A}`, `v1=${B}`])).toEqual({ timestamp: 5, signatures: [A, B] });
    // Entries without "=" and v1 entries of the wrong length are skipped, not fatal, when a good one remains.
    expect(parsed(`junk,t=5,v1=abc,v1=${A}`)).toEqual({ timestamp: 5, signatures: [A] });
  });

  it('names a missing header', () => {
    for (const value of [undefined, null, '', '   ', []]) expect(code(value)).toBe('MISSING_SIGNATURE');
  });

  it('names a header without a usable timestamp or MAC', () => {
    expect(code(`v1=${A}`)).toBe('MALFORMED_SIGNATURE');
    expect(code('t=5')).toBe('MALFORMED_SIGNATURE');
    expect(code(`t=5,v1=${A.slice(1)}`)).toBe('MALFORMED_SIGNATURE');
    expect(code(`t=5,v1=${'z'.repeat(64)}`)).toBe('MALFORMED_SIGNATURE');
    expect(code(`t=-5,v1=${A}`)).toBe('MALFORMED_SIGNATURE');
    expect(code(`t=1234567890123,v1=${A}`)).toBe('MALFORMED_SIGNATURE');
    expect(code(`T=5,V1=${A}`)).toBe('MALFORMED_SIGNATURE');
  });
});
