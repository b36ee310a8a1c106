import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatYuan, parseGatewayAmount, parseYuan } from './money.ts';
import { errorCode } from '../test/helpers/error-code.ts';

describe('parseYuan', () => {
  it.each([
    ['12.34', 1234],
    ['12.3', 1230],
    ['12', 1200],
    ['0.01', 1],
    ['0', 0],
    ['007.5', 750],
  ])('%s yuan is %i fen', (text, fen) => {
    expect(parseYuan(text)).toBe(fen);
  });

  it.each(['1.234', '', ' 1', '1.', '.5', '-1', '1e3', '1,00', 'abc', '１２'])('refuses "%s"', (text) => {
    expect(errorCode(() => parseYuan(text))).toBe('INVALID_AMOUNT');
  });

  it('names the field and the reason', () => {
    expect(() => parseYuan('1.234', 'pay_amount')).toThrow(/pay_amount "1.234" has more than two decimals/);
  });

  it('refuses integers that would overflow safe fen', () => {
    expect(errorCode(() => parseYuan('99999999999999'))).toBe('INVALID_AMOUNT');
    expect(parseYuan('9999999999999')).toBe(999999999999900);
  });
});

describe('parseGatewayAmount', () => {
  it.each([
    ['100', 10000],
    ['100.00', 10000],
    ['100.0000', 10000],
    ['100.000', 10000],
    ['0.0100', 1],
    ['12.3400', 1234],
  ])('%s is %i fen', (text, fen) => {
    expect(parseGatewayAmount(text)).toBe(fen);
  });

  it.each(['100.001', '100.0001', '1.5x', '', '-1.00'])('refuses "%s"', (text) => {
    expect(errorCode(() => parseGatewayAmount(text))).toBe('INVALID_AMOUNT');
  });
});

describe('formatYuan', () => {
  it('formats fen with two or four decimals', () => {
    expect(formatYuan(1230)).toBe('12.30');
    expect(formatYuan(1)).toBe('0.01');
    expect(formatYuan(10000, 4)).toBe('100.0000');
    expect(formatYuan(-5)).toBe('-0.05');
  });

  it('refuses non-integers', () => {
    expect(errorCode(() => formatYuan(12.5))).toBe('INVALID_AMOUNT');
  });

  it('round-trips with both parsers for any fen', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), (fen) => {
        expect(parseYuan(formatYuan(fen))).toBe(fen);
        expect(parseGatewayAmount(formatYuan(fen, 4))).toBe(fen);
      }),
    );
  });
});
