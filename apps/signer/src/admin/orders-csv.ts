/**
 * @module admin/orders-csv
 * The CSV export of orders: RFC 4180 quoting, a UTF-8 byte order mark so spreadsheet programs read the Chinese
 * product names right, China-time dates, amounts in yuan and in fen. A value that a spreadsheet would run as a
 * formula (starting with = + - @, a tab or a carriage return) is prefixed with `'`.
 */
import { formatYuan } from '@jupay/core';
import type { OrderRecord } from '../store/order-store.ts';
import { chinaTime } from './china-day.ts';

/** The header row's columns, in order. */
export const CSV_COLUMNS = [
  'order_id',
  'status',
  'amount_yuan',
  'amount_fen',
  'bank_code',
  'product_name',
  'attach',
  'created_at_china',
  'paid_at_china',
  'paid_via',
  'transaction_id',
  'gateway',
] as const;

/**
 * One CSV cell.
 * @example
 * csvCell('=HYPERLINK("x")'); // "\"'=HYPERLINK(\"\"x\"\")\""
 */
export function csvCell(value: string | number | null): string {
  let text = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n']/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The CSV line of one order (with its CRLF).
 * @example
 * csvLine(order); // 'E2024...,PAID,12.30,1230,903,VIP,,2024-03-01 12:00:00,...\r\n'
 */
export function csvLine(order: OrderRecord): string {
  const cells = [
    order.orderId,
    order.status,
    formatYuan(order.amountFen),
    order.amountFen,
    order.bankCode,
    order.productName,
    order.attach,
    chinaTime(order.createdAt),
    order.paidAt ? chinaTime(order.paidAt) : null,
    order.paidVia,
    order.transactionId,
    order.gatewayId,
  ];
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** The first bytes of the file: the BOM and the header row. */
export const CSV_HEAD = `\uFEFF${CSV_COLUMNS.join(',')}\r\n`;
