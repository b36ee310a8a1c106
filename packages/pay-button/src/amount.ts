/**
 * @module amount: parse what a visitor types into integer fen, and format fen for display. Never a float.
 */
import type { Lang } from './i18n.ts';

/** Why a typed amount was refused, before any bound is checked. */
export type AmountProblem = 'empty' | 'nan' | 'decimals';

/** The largest amount this element accepts, in fen (a thousand billion yuan, far inside safe integers). */
const MAX_FEN = 1e14;

/**
 * Parses a yuan amount as typed ("12.3", "1,234.50", "¥8") into integer fen, or names the problem.
 * Digits are handled as strings, so `0.1 + 0.2` style float errors cannot occur.
 *
 * @example
 * parseAmount('12.3'); // 1230
 * parseAmount('1.234'); // 'decimals'
 * parseAmount(''); // 'empty'
 */
export function parseAmount(text: string): number | AmountProblem {
  // Spaces, thousands separators and a leading currency sign are what people paste; anything else is refused.
  const t = text.trim().replace(/^[¥￥]|[\s,]/g, '');
  if (!t) return 'empty';
  const m = /^(\d*)(?:\.(\d*))?$/.exec(t);
  if (!m || (!m[1] && !m[2])) return 'nan';
  const frac = m[2] ?? '';
  if (frac.length > 2) return 'decimals';
  const fen = Number(m[1] || '0') * 100 + Number(frac.padEnd(2, '0'));
  return fen > MAX_FEN ? 'nan' : fen;
}

/**
 * Formats fen as the plain yuan string the signer expects on the wire ("12.30").
 *
 * @example
 * fenToYuan(1230); // '12.30'
 */
export function fenToYuan(fen: number): string {
  const s = String(Math.trunc(fen)).padStart(3, '0');
  return `${s.slice(0, -2)}.${s.slice(-2)}`;
}

/**
 * Formats fen as the element shows money, exactly as `Intl.NumberFormat(lang, { style: 'currency', currency:
 * 'CNY' })` would, without building that formatter: its first use in a page loads the locale's data, about 20 ms of
 * the first render in Chromium.
 *
 * @example
 * formatAmount(123450, 'zh-CN'); // '¥1,234.50'
 * formatAmount(123450, 'en'); // 'CN¥1,234.50' (zh-TW writes it so too)
 */
export function formatAmount(fen: number, lang: Lang): string {
  const yuan = fenToYuan(fen);
  const point = yuan.length - 3;
  // Groups of three digits from the right, as both languages write them.
  return (
    (lang === 'zh-CN' ? '¥' : 'CN¥') +
    yuan.slice(0, point).replace(/\B(?=(\d{3})+$)/g, ',') +
    yuan.slice(point)
  );
}
