/**
 * @module test-support/leak-guard
 * vitest setup file: after each test file, every response body and log line captured through `captureText`
 * is scanned for the keys registered with `guardSecret`; a file whose output contains a key fails.
 */
import { afterAll, expect } from 'vitest';
import { findSecret } from './leak-log.ts';

afterAll(() => {
  const found = findSecret();
  // Only the place is reported, never the secret itself (the assertion message is output too).
  expect(found?.where, 'a secret appeared in the captured output').toBeUndefined();
});
