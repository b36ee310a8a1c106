/**
 * @module test/protocol-doc.test
 * docs/protocol.md against the code. Its test vectors are read from the page itself: they must agree with
 * test/vectors.json, and core must compute every one of them (MD5 of the printed input, the canonical string from
 * the fields, the notification body through parseNotification). Its anchors must exist, and so must every
 * `docs/protocol.md#...` anchor that a file in the repository cites.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import vectors, { type Vector } from './helpers/vectors.ts';
import { md5Hex } from '../src/md5/md5-js.ts';
import { parseNotification } from '../src/notification.ts';
import { canonicalize, sign } from '../src/signature.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const DOC = readFileSync(join(ROOT, 'docs/protocol.md'), 'utf8');

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

const ANCHORS = new Set([...DOC.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]!)));

function section(anchor: string): string {
  const start = DOC.split('\n').findIndex(
    (line) => /^#{1,6} /.test(line) && slug(line.replace(/^#+ /, '')) === anchor,
  );
  if (start < 0) throw new Error(`docs/protocol.md has no #${anchor}`);
  const lines = DOC.split('\n').slice(start + 1);
  const end = lines.findIndex((line) => /^## /.test(line));
  return lines.slice(0, end < 0 ? undefined : end).join('\n');
}

/** The ```text blocks of the test-vector section: the first is the key, then one per vector, `label: value` lines. */
function documentedVectors() {
  const blocks = [...section('test-vectors').matchAll(/^```text ?(\S*)\n([\s\S]*?)\n```$/gm)];
  const [keyBlock, ...vectorBlocks] = blocks;
  const byId = new Map<string, Map<string, string>>();
  for (const [, id, body] of vectorBlocks) {
    const labels = new Map<string, string>();
    for (const line of body!.split('\n')) {
      const colon = line.indexOf(': ');
      labels.set(line.slice(0, colon), line.slice(colon + 2));
    }
    byId.set(id!, labels);
  }
  return { key: keyBlock?.[2], byId };
}

const documented = documentedVectors();

function json(id: string): Vector {
  const vector = vectors.vectors.find((v) => v.id === id);
  if (!vector) throw new Error(`test/vectors.json has no ${id}`);
  return vector;
}

function options(vector: Vector) {
  return { signedFields: vector.signedFields, dialect: vector.dialect };
}

describe('docs/protocol.md test vectors', () => {
  it('lists the same key and the same vectors as test/vectors.json', () => {
    expect(documented.key).toBe(vectors.key);
    expect([...documented.byId.keys()]).toEqual(vectors.vectors.map((v) => v.id));
    expect(vectors.source).toMatch(/^docs\/protocol\.md#test-vectors /);
  });

  for (const vector of vectors.vectors) {
    it(`${vector.id}: the page and the JSON agree, and core computes both`, () => {
      const doc = documented.byId.get(vector.id)!;
      const input = doc.get('MD5 input')!;
      const signature = doc.get('signature')!;
      expect(input).toBe(vector.canonical);
      expect(signature).toBe(vector.sign);
      expect(md5Hex(input).toUpperCase()).toBe(signature);
      expect(canonicalize(vector.fields, vectors.key, options(vector))).toBe(input);
      expect(sign(vector.fields, vectors.key, options(vector))).toBe(signature);
    });
  }

  it('V2: the wrong signature with the empty field kept is the MD5 of that string', () => {
    const doc = documented.byId.get('V2')!;
    const wrong = doc.get('wrong, with pay_callbackurl= kept');
    expect(wrong).toBe(json('V2').wrongSignWithEmptyKept);
    const kept = doc.get('MD5 input')!.replace('&pay_memberid=', '&pay_callbackurl=&pay_memberid=');
    expect(md5Hex(kept).toUpperCase()).toBe(wrong);
  });

  it('V3: the body as printed parses and verifies; the re-formatted amount gives the printed wrong signature', () => {
    const doc = documented.byId.get('V3')!;
    const v3 = json('V3');
    expect(doc.get('body')).toBe(v3.body);
    const notification = parseNotification(doc.get('body')!, { memberId: '10002', key: vectors.key });
    expect(notification).toMatchObject({
      orderId: 'E20161226181818123456',
      amountFen: 10000,
      amount: '100.0000',
    });
    const wrong = doc.get('wrong, with amount re-formatted to 100.00');
    expect(wrong).toBe(v3.signWithAmountReformatted);
    expect(sign({ ...v3.fields, amount: '100.00' }, vectors.key, options(v3))).toBe(wrong);
  });

  it('V4: V3 with the legacy signature verifies in the legacy dialect only', () => {
    const legacy = json('V3').body!.replace(json('V3').sign, documented.byId.get('V4')!.get('signature')!);
    const credentials = { memberId: '10002', key: vectors.key };
    expect(parseNotification(legacy, credentials, { dialect: 'legacy' }).orderId).toBe(
      'E20161226181818123456',
    );
    expect(() => parseNotification(legacy, credentials)).toThrowError(
      expect.objectContaining({ code: 'BAD_SIGNATURE' }),
    );
  });
});

describe('docs/protocol.md anchors', () => {
  it('has a heading for every anchor of its own table of contents', () => {
    const listed = [...DOC.matchAll(/\[`#([a-z-]+)`\]\(#\1\)/g)].map((m) => m[1]!);
    expect(listed.length).toBeGreaterThanOrEqual(11);
    expect(listed.filter((anchor) => !ANCHORS.has(anchor))).toEqual([]);
  });

  it('has a heading for every anchor of it that a file in the repository cites', () => {
    const skip = new Set(['node_modules', 'dist', '.git', 'artifacts', 'data', 'coverage']);
    const cited: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (skip.has(entry.name)) continue;
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (/\.(ts|mjs|js|json|md|php)$/.test(entry.name)) {
          for (const m of readFileSync(path, 'utf8').matchAll(/docs\/protocol\.md#([a-z0-9-]+)/g)) {
            if (!ANCHORS.has(m[1]!)) cited.push(`${relative(ROOT, path)}: #${m[1]}`);
          }
        }
      }
    };
    walk(ROOT);
    expect(cited).toEqual([]);
  });
});
