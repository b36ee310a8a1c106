/**
 * @module test-support/leak-guard
 * vitest setup file: after each test file, every response body and log line captured through `captureText`
 * is scanned for the keys registered with `guardSecret`; a file whose output contains a key fails.
 */
import { afterAll, expect } from 'vitest';
import { findSecret } from './leak-log.ts';

afterAll(() => {
  const found = findSecret();
  expect(found, found ? `a secret appeared in: ${found.where}` : '').toBeUndefined();
});
