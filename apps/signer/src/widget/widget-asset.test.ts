/**
 * @module widget/widget-asset.test
 * Hashes and the snippet: the SRI value is what a browser computes over the served bytes.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_WIDGET_FILE, widgetAssetOf, widgetLoader, widgetSnippet } from './widget-asset.ts';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'jupay-widget-'));
  file = join(dir, 'pay-button.js');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('widgetAssetOf', () => {
  it('derives the version, strong ETag and sha384 SRI from the bytes', () => {
    const bytes = Buffer.from('console.log("x");');
    const asset = widgetAssetOf(bytes);
    // Known answers from coreutils/openssl, not from the code under test:
    // printf 'console.log("x");' | sha256sum ; printf ... | openssl dgst -sha384 -binary | base64
    const sha256 = 'c5fee24c243ac07903f50d115fed84dffe9749e11bbca8a530f1d458fafea461';
    expect(asset.version).toBe('c5fee24c243ac079');
    expect(asset.etag).toBe(`"${sha256}"`);
    expect(asset.integrity).toBe('sha384-p/gYsRxA6tQT5bQ9rcu9upi1ODasLPTeRJGukn8PC5Fva7BY+MR3pcf2Ze1tRc56');
    expect(widgetAssetOf(Buffer.from('console.log("y");')).version).not.toBe(asset.version);
  });

  it('refuses a non-Buffer', () => {
    expect(() => widgetAssetOf('text' as unknown as Buffer)).toThrow(/content/);
  });
});

describe('widgetLoader', () => {
  it('returns null for a missing file and throws for an unreadable path', () => {
    expect(widgetLoader(file)()).toBeNull();
    expect(() => widgetLoader(dir)()).toThrow();
    expect(() => widgetLoader('')).toThrow(/file/);
  });

  it('points by default at the pay-button package dist in this workspace', () => {
    expect(DEFAULT_WIDGET_FILE).toMatch(/packages[\\/]pay-button[\\/]dist[\\/]pay-button\.js$/);
    expect(existsSync(join(DEFAULT_WIDGET_FILE, '..', '..', 'package.json'))).toBe(true);
  });
});

describe('widgetSnippet', () => {
  it('builds the versioned src, the integrity value and the tag to paste', () => {
    writeFileSync(file, 'export {};\n');
    const asset = widgetAssetOf(Buffer.from('export {};\n'));
    const snippet = widgetSnippet('https://pay.shop.example/', file)!;
    expect(snippet.src).toBe(`https://pay.shop.example/pay-button.js?v=${asset.version}`);
    expect(snippet.integrity).toBe(asset.integrity);
    expect(snippet.scriptTag).toBe(
      `<script type="module" src="${snippet.src}" integrity="${asset.integrity}" crossorigin="anonymous"></script>`,
    );
  });

  it('is null before the build and refuses a URL that is not http(s)', () => {
    expect(widgetSnippet('https://pay.shop.example', file)).toBeNull();
    expect(() => widgetSnippet('pay.shop.example', file)).toThrow(/publicUrl/);
    expect(() => widgetSnippet('ftp://pay.shop.example', file)).toThrow(/publicUrl/);
  });
});
