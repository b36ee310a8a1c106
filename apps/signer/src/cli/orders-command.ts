/**
 * @module cli/orders-command
 * `jupay-signer orders`: the newest orders from the configured store, as a table or JSON lines, filtered like the
 * console's list: `--status PAID|NOTPAY`, `--from`/`--to` (China-time days, inclusive), `--limit N` (default 20).
 */
import { formatYuan } from '@jupay/core';
import { adminQueriesFor, type OrderFilter } from '../admin/admin-queries.ts';
import { chinaDayStart, chinaTime } from '../admin/china-day.ts';
import { loadSignerConfig } from '../config/config-source.ts';
import { openStore } from '../store/open-store.ts';
import { UsageError, type CliIo } from './cli-io.ts';

/** Options of {@link ordersCommand}, as given on the command line. */
export interface OrdersOptions {
  envFile?: string | undefined;
  status?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  limit?: string | undefined;
  json?: boolean | undefined;
}

/**
 * Prints the orders; exit code 0.
 * @example
 * await ordersCommand(io, { status: 'PAID', limit: '5' });
 */
export async function ordersCommand(io: CliIo, options: OrdersOptions = {}): Promise<number> {
  const filter = parseFilter(options);
  const limit = options.limit === undefined ? 20 : Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
    throw new UsageError('--limit must be 1 to 10000');
  const { config } = loadSignerConfig({ envFile: options.envFile, env: io.env, cwd: io.cwd });
  const store = await openStore(config.store);
  try {
    const queries = await adminQueriesFor(store);
    if (!queries) throw new Error('this store cannot be listed');
    const { orders, total } = await queries.listOrders(filter, { limit, offset: 0 });
    if (options.json) {
      for (const order of orders) io.stdout.write(`${JSON.stringify(order)}\n`);
      return 0;
    }
    const rows = orders.map((o) => [
      o.orderId,
      o.status,
      formatYuan(o.amountFen),
      o.bankCode,
      o.gatewayId,
      chinaTime(o.createdAt),
      o.paidAt ? chinaTime(o.paidAt) : '',
      o.paidVia ?? '',
    ]);
    const header = ['order', 'status', 'amount', 'bank', 'gateway', 'created (China time)', 'paid', 'via'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) =>
      `${cells
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd()}\n`;
    io.stdout.write(line(header));
    for (const row of rows) io.stdout.write(line(row));
    io.stdout.write(`${orders.length} of ${total} order(s)\n`);
    return 0;
  } finally {
    await store.close();
  }
}

function parseFilter(options: OrdersOptions): OrderFilter {
  const filter: OrderFilter = {};
  if (options.status !== undefined) {
    const status = options.status.toUpperCase();
    if (status !== 'PAID' && status !== 'NOTPAY') throw new UsageError('--status must be PAID or NOTPAY');
    filter.status = status;
  }
  if (options.from !== undefined) {
    const start = chinaDayStart(options.from);
    if (!start) throw new UsageError('--from must be a day, YYYY-MM-DD');
    filter.createdFrom = start;
  }
  if (options.to !== undefined) {
    const start = chinaDayStart(options.to);
    if (!start) throw new UsageError('--to must be a day, YYYY-MM-DD');
    filter.createdBefore = new Date(start.getTime() + 86_400_000);
  }
  return filter;
}
