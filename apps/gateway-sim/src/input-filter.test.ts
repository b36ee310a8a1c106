/**
 * @module input-filter.test
 */
import { describe, expect, it } from 'vitest';
import { filterInput, htmlspecialchars, phpIntval, stripTags } from './input-filter.ts';

describe('htmlspecialchars (ENT_QUOTES, double encoding)', () => {
  it('escapes the five characters', () => {
    expect(htmlspecialchars(`a&b<"c'>`)).toBe('a&amp;b&lt;&quot;c&#039;&gt;');
  });
  it('encodes existing entities again', () => {
    expect(htmlspecialchars('&amp;')).toBe('&amp;amp;');
  });
  it('leaves Chinese and other text alone', () => {
    expect(htmlspecialchars('http://www.example.com/支付/page.php')).toBe(
      'http://www.example.com/支付/page.php',
    );
  });
});

describe('stripTags (PHP state machine)', () => {
  it.each([
    ['a<b>bold</b>c', 'aboldc'],
    ['1 < 2', '1 < 2'],
    ['1<2', '1'],
    ['x<a href="a>b">y', 'xy'],
    ['p<!-- c > d -->q', 'pq'],
    ['p<?php echo ">"; ?>q', 'pq'],
    ['a>b', 'a>b'],
    ['nul\0byte', 'nulbyte'],
    ['<!DOCTYPE html>t', 't'],
  ])('%j -> %j', (input, output) => {
    expect(stripTags(input)).toBe(output);
  });
});

describe('filterInput', () => {
  it('breaks a query string in a URL, as in production', () => {
    expect(filterInput('http://m.example/notify?a=1&b=2')).toBe('http://m.example/notify?a=1&amp;b=2');
  });
  it('strips tags before escaping', () => {
    expect(filterInput('<b>x</b> & y')).toBe('x &amp; y');
  });
});

describe('phpIntval', () => {
  it.each([
    ['010002', 10002],
    ['10002abc', 10002],
    [' \t10002', 10002],
    ['-5', -5],
    ['abc', 0],
    ['', 0],
    [undefined, 0],
  ])('%j -> %d', (input, output) => {
    expect(phpIntval(input)).toBe(output);
  });
});
