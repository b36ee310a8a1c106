import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import vectors from '../test/helpers/vectors.ts';
import { md5Hex as md5Js } from './md5/md5-js.ts';
// The same file twice on purpose: the conditional import must pick the Node file that is imported here by path.
/* eslint-disable import-x/no-duplicates */
import { md5Hex as md5Node } from './md5/md5-node.ts';
import { md5Hex as md5Selected } from '#md5';
/* eslint-enable import-x/no-duplicates */
import { canonicalize, constantTimeEqualHex, isSignable, sign, verify, type Fields } from './signature.ts';

const key = vectors.key;
const [v1, v2, v3] = vectors.vectors;

describe('public vectors (docs/protocol.md#test-vectors)', () => {
  for (const vector of vectors.vectors) {
    const options = { signedFields: vector.signedFields, dialect: vector.dialect };
    it(`${vector.id}: signs to ${vector.sign} through the library`, () => {
      expect(sign(vector.fields, key, options)).toBe(vector.sign);
      expect(verify(vector.fields, key, vector.sign, options)).toBe(true);
    });
    it(`${vector.id}: both MD5 implementations agree on the canonical string`, () => {
      const text = canonicalize(vector.fields, key, options);
      expect(md5Js(text).toUpperCase()).toBe(vector.sign);
      expect(md5Node(text).toUpperCase()).toBe(vector.sign);
    });
  }

  it('V1 and V2 canonical strings are exactly the documented ones', () => {
    expect(canonicalize(v1.fields, key, { signedFields: v1.signedFields })).toBe(v1.canonical!);
    expect(canonicalize(v2.fields, key, { signedFields: v2.signedFields })).toBe(v2.canonical!);
  });

  it('V2: keeping the empty pay_callbackurl would give the documented wrong signature', () => {
    const kept = md5Node(
      v2.canonical!.replace('pay_bankcode=902&', 'pay_bankcode=902&pay_callbackurl=&'),
    ).toUpperCase();
    expect(kept).toBe(v2.wrongSignWithEmptyKept);
    expect(sign(v2.fields, key, { signedFields: v2.signedFields })).not.toBe(kept);
  });

  it('V3: re-formatting the amount before verifying is a false rejection', () => {
    const reformatted = { ...v3.fields, amount: '100.00' };
    expect(sign(reformatted, key, { signedFields: v3.signedFields })).toBe(v3.signWithAmountReformatted);
    expect(verify(reformatted, key, v3.sign, { signedFields: v3.signedFields })).toBe(false);
  });
});

describe('md5 selection', () => {
  it('resolves #md5 to node:crypto under Node', () => {
    expect(md5Selected).toBe(md5Node);
  });

  it('gives the same digests in both implementations on random unicode', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        expect(md5Js(text)).toBe(md5Node(text));
      }),
      { numRuns: 500 },
    );
  });

  it('hashes unicode as UTF-8 bytes', () => {
    // The digest of the 6 UTF-8 bytes of "支付" (E6 94 AF E4 BB 98), computed independently with Python's hashlib.
    expect(md5Js('支付')).toBe('26b59f528b4b08dd102bf93025145179');
    expect(md5Node('支付')).toBe('26b59f528b4b08dd102bf93025145179');
  });
});

describe('canonicalize', () => {
  it('sorts by byte order and leaves out empty and PHP-empty "0" values', () => {
    expect(canonicalize({ b: '2', a: '1', c: '', d: '0', B: 'x' }, 'K')).toBe('B=x&a=1&b=2&key=K');
  });

  it('keeps raw values: no encoding, no trimming', () => {
    expect(canonicalize({ u: ' http://x/支付?a=1 ' }, 'K')).toBe('u= http://x/支付?a=1 &key=K');
  });

  it('uses only the signed field list when given', () => {
    expect(canonicalize({ a: '1', sign: 'X', attach: 'y' }, 'K', { signedFields: ['a'] })).toBe('a=1&key=K');
  });

  it('joins name=>value& pairs in the legacy dialect', () => {
    expect(canonicalize({ b: '2', a: '1' }, 'K', { dialect: 'legacy' })).toBe('a=>1&b=>2&key=K');
  });

  it('refuses an empty key without echoing anything', () => {
    expect(() => canonicalize({ a: '1' }, '')).toThrowError(expect.objectContaining({ code: 'INVALID_KEY' }));
  });

  it('ignores inherited properties such as __proto__ tricks', () => {
    const fields = JSON.parse('{"a":"1","__proto__":{"b":"2"}}') as Fields;
    expect(canonicalize(fields, 'K', { signedFields: ['a', 'b', 'toString'] })).toBe('a=1&key=K');
  });

  it('treats PHP-empty exactly: "00" and " " are kept', () => {
    expect(isSignable('00')).toBe(true);
    expect(isSignable(' ')).toBe(true);
    expect(isSignable('0')).toBe(false);
    expect(isSignable('')).toBe(false);
  });
});

describe('verify', () => {
  const fields = { pay_memberid: '10002', pay_orderid: 'E1' };

  it('accepts either hex case', () => {
    const signature = sign(fields, 'K');
    expect(verify(fields, 'K', signature.toLowerCase())).toBe(true);
    expect(verify(fields, 'K', signature)).toBe(true);
  });

  it('refuses signatures that are not 32 hex digits', () => {
    const signature = sign(fields, 'K');
    expect(verify(fields, 'K', signature.slice(0, 31))).toBe(false);
    expect(verify(fields, 'K', `${signature.slice(0, 31)}G`)).toBe(false);
    expect(verify(fields, 'K', '')).toBe(false);
  });

  it('compares without folding non-hex characters onto each other', () => {
    expect(constantTimeEqualHex('ab', 'AB')).toBe(true);
    expect(constantTimeEqualHex('ab', 'ac')).toBe(false);
    expect(constantTimeEqualHex('ab', 'abc')).toBe(false);
  });
});

describe('properties', () => {
  const name = fc.stringMatching(/^[a-z_]{1,12}$/);
  const value = fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).filter((v) => v !== '0');
  const fieldSet = fc.dictionary(name, value, { minKeys: 1, maxKeys: 8 });
  const secret = fc.string({ minLength: 1, maxLength: 40 });

  it('verify(sign(x)) holds for any fields and key', () => {
    fc.assert(fc.property(fieldSet, secret, (fields, k) => verify(fields, k, sign(fields, k), {})));
  });

  it('changing any signed field breaks the signature', () => {
    fc.assert(
      fc.property(fieldSet, secret, fc.nat(), value, (fields, k, pick, replacement) => {
        const names = Object.keys(fields);
        const target = names[pick % names.length]!;
        fc.pre(fields[target] !== replacement);
        return !verify({ ...fields, [target]: replacement }, k, sign(fields, k));
      }),
    );
  });

  it('changing the key breaks the signature', () => {
    fc.assert(
      fc.property(fieldSet, secret, secret, (fields, k1, k2) => {
        fc.pre(k1 !== k2);
        return !verify(fields, k2, sign(fields, k1));
      }),
    );
  });

  it('field order and empty values do not matter', () => {
    fc.assert(
      fc.property(fieldSet, fc.array(name, { maxLength: 4 }), secret, (fields, empties, k) => {
        const reversed: Fields = Object.fromEntries(Object.entries(fields).reverse());
        for (const extra of empties) if (!(extra in reversed)) reversed[extra] = '';
        return sign(reversed, k) === sign(fields, k);
      }),
    );
  });
});
