/**
 * @module amount tests
 */
import { expect } from '@open-wc/testing';
import { fenToYuan, formatAmount, parseAmount } from './amount.ts';

describe('parseAmount', () => {
  it('turns yuan text into integer fen', () => {
    expect(parseAmount('12.34')).to.equal(1234);
    expect(parseAmount('12.3')).to.equal(1230);
    expect(parseAmount('12')).to.equal(1200);
    expect(parseAmount('12.')).to.equal(1200);
    expect(parseAmount('.5')).to.equal(50);
    expect(parseAmount(' ¥1,234.50 ')).to.equal(123450);
    expect(parseAmount('￥0.01')).to.equal(1);
    expect(parseAmount('0.07')).to.equal(7);
    expect(parseAmount('1.10')).to.equal(110);
  });

  it('names the problem with text that is not an amount', () => {
    expect(parseAmount('')).to.equal('empty');
    expect(parseAmount('   ')).to.equal('empty');
    expect(parseAmount('abc')).to.equal('nan');
    expect(parseAmount('1e3')).to.equal('nan');
    expect(parseAmount('-5')).to.equal('nan');
    expect(parseAmount('.')).to.equal('nan');
    expect(parseAmount('1.2.3')).to.equal('nan');
    expect(parseAmount('99999999999999999')).to.equal('nan');
    expect(parseAmount('1.234')).to.equal('decimals');
    expect(parseAmount('0.001')).to.equal('decimals');
  });
});

describe('fenToYuan', () => {
  it('writes two decimals', () => {
    expect(fenToYuan(1230)).to.equal('12.30');
    expect(fenToYuan(1)).to.equal('0.01');
    expect(fenToYuan(100)).to.equal('1.00');
    expect(fenToYuan(0)).to.equal('0.00');
    expect(fenToYuan(123456789)).to.equal('1234567.89');
  });
});

describe('formatAmount', () => {
  it('formats per language', () => {
    expect(formatAmount(123450, 'zh-CN')).to.equal('¥1,234.50');
    expect(formatAmount(123450, 'en')).to.equal('CN¥1,234.50');
    expect(formatAmount(123450, 'zh-TW')).to.equal('CN¥1,234.50');
  });

  it("writes exactly what this browser's Intl.NumberFormat writes for CNY", () => {
    const values = [1, 5, 10, 99, 100, 101, 1234, 99999, 100000, 123450, 1000000, 100000000, 123456789012];
    for (let i = 0; i < 200; i++) values.push(1 + Math.floor(Math.random() * 1e12));
    for (const lang of ['zh-CN', 'zh-TW', 'en'] as const) {
      const intl = new Intl.NumberFormat(lang, { style: 'currency', currency: 'CNY' });
      for (const fen of values)
        expect(formatAmount(fen, lang), `${fen} ${lang}`).to.equal(intl.format(fen / 100));
    }
  });
});
