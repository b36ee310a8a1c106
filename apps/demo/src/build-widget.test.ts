/**
 * @module build-widget.test
 * When the demo rebuilds the widget: a missing bundle, a bundle older than a source or build file; not for tests.
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { widgetBuildReason } from './build-widget.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function fakePackage() {
  const dir = mkdtempSync(join(tmpdir(), 'jupay-pay-button-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'src', 'deep'), { recursive: true });
  mkdirSync(join(dir, 'dist'));
  const at = (path: string, seconds: number) => {
    writeFileSync(join(dir, path), 'x');
    const t = new Date(1_700_000_000_000 + seconds * 1000);
    utimesSync(join(dir, path), t, t);
  };
  return { dir, at };
}

describe('widgetBuildReason', () => {
  it('asks for a build when the bundle is missing', () => {
    const { dir, at } = fakePackage();
    at('src/pay-button.ts', 0);
    expect(widgetBuildReason(dir)).toBe('dist/pay-button.js is missing');
  });

  it('asks for a build when any source (nested too) or build file is newer than the bundle', () => {
    const { dir, at } = fakePackage();
    at('src/pay-button.ts', 0);
    at('dist/pay-button.js', 10);
    expect(widgetBuildReason(dir)).toBeNull();
    at('src/deep/icons.ts', 20);
    expect(widgetBuildReason(dir)).toBe('dist/pay-button.js is older than its sources');
    at('dist/pay-button.js', 30);
    at('vite.config.ts', 40);
    expect(widgetBuildReason(dir)).toBe('dist/pay-button.js is older than its sources');
  });

  it('ignores edited tests', () => {
    const { dir, at } = fakePackage();
    at('src/pay-button.ts', 0);
    at('dist/pay-button.js', 10);
    at('src/pay-button.test.ts', 20);
    expect(widgetBuildReason(dir)).toBeNull();
  });
});
