/** @module widget/round-trip.test — the shopper-language helpers: the return path, the cancel link, the redirect. */
import { describe, expect, it } from 'vitest';
import { HttpError } from '../errors.ts';
import { callbackUrlFor, cancelUrlFor, parseShopperLang, returnLocation } from './round-trip.ts';

describe('round-trip helpers', () => {
  it('accepts exactly the three shopper languages, and nothing for none', () => {
    expect(['zh-CN', 'zh-TW', 'en'].map((l) => parseShopperLang(l))).toEqual(['zh-CN', 'zh-TW', 'en']);
    expect(parseShopperLang(undefined)).toBeNull();
    expect(parseShopperLang('')).toBeNull();
    for (const bad of ['fr', 'EN', 'zh', 'en-US', 'en/../x', 'en?x=1']) {
      expect(() => parseShopperLang(bad), bad).toThrow(HttpError);
      expect(() => parseShopperLang(bad), bad).toThrow(/lang must be one of zh-CN, zh-TW, en/);
    }
  });

  it('puts the language in the return path and the cancel link, and leaves them alone without one', () => {
    expect(callbackUrlFor('https://pay.example/jupay/api/return', 'zh-TW')).toBe(
      'https://pay.example/jupay/api/return/zh-TW',
    );
    expect(callbackUrlFor('https://pay.example/api/return', null)).toBe('https://pay.example/api/return');
    expect(cancelUrlFor('https://shop.example/tea', 'en')).toBe('https://shop.example/tea?lang=en');
    expect(cancelUrlFor('https://shop.example/', null)).toBe('https://shop.example/');
  });

  it('builds the return location from the configured page only, passing on a known language', () => {
    expect(returnLocation('https://shop.example/thanks', 'E1', 'en')).toBe(
      'https://shop.example/thanks?orderId=E1&lang=en',
    );
    expect(returnLocation('https://shop.example/thanks?x=1', null, 'zh-TW')).toBe(
      'https://shop.example/thanks?x=1&lang=zh-TW',
    );
    // An unknown segment is dropped, never echoed.
    expect(returnLocation('https://shop.example/thanks', 'E1', 'https:%2F%2Fevil.example')).toBe(
      'https://shop.example/thanks?orderId=E1',
    );
    expect(returnLocation('https://shop.example/thanks', null, undefined)).toBe(
      'https://shop.example/thanks',
    );
  });
});
