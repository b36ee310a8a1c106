/**
 * @module cli.test
 * `jupay-signer check`, `snippet` and `orders` against the real gateway simulator over HTTP and a real SQLite
 * file, run through the same entry as the executable (`runCli`) with captured output: the credentials proven by a
 * signed query of an order that cannot exist, and each way they can be wrong named by its setting.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createGatewaySim,
  startGatewayFleet,
  type GatewayFleet,
  type GatewaySim,
  type RunningGatewaySim,
} from '@jupay/gateway-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../src/cli/cli-io.ts';
import { runCli } from '../src/cli/run-cli.ts';
import { openSqliteStore } from '../src/store/sqlite-store.ts';
import { widgetLoader, DEFAULT_WIDGET_FILE } from '../src/widget/widget-asset.ts';
import { freePort } from './helpers/free-port.ts';
import { captureText } from './helpers/leak-log.ts';
import { DEMO } from './helpers/sim-orders.ts';

let sim: GatewaySim;
let gateway: RunningGatewaySim;
let dir: string;

beforeAll(async () => {
  sim = createGatewaySim({ resendCount: 0 });
  gateway = await sim.start({ port: 0, hostname: '127.0.0.1' });
  dir = mkdtempSync(join(tmpdir(), 'jupay-cli-'));
});

afterAll(async () => {
  await gateway?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** An env file for the simulator's demo merchant, with `overrides` (NAME=value lines) appended. */
function envFile(name: string, overrides: Record<string, string> = {}): string {
  const settings: Record<string, string> = {
    JUPAY_MEMBER_ID: DEMO.memberId,
    JUPAY_KEY: DEMO.key,
    JUPAY_GATEWAY_URL: `${gateway.url}/Pay_Index.html`,
    JUPAY_PUBLIC_URL: 'https://pay.shop.example',
    JUPAY_RETURN_URL: 'https://shop.example/thanks',
    JUPAY_BANK_CODES: '902,903',
    JUPAY_STORE: './data/signer.db',
    ...overrides,
  };
  const path = join(dir, name);
  writeFileSync(
    path,
    Object.entries(settings)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
  );
  return path;
}

async function cli(argv: string[], env: Record<string, string> = {}) {
  const io = captureIo(env, dir);
  const code = await runCli(argv, io);
  captureText('cli stdout', io.out());
  captureText('cli stderr', io.err());
  return { code, out: io.out(), err: io.err(), lines: io.out().trimEnd().split('\n') };
}

describe('jupay-signer check', () => {
  it('passes every check with the right member id and key, one line each', async () => {
    const file = envFile('ok.env');
    const { code, lines } = await cli(['check', '--env-file', file]);
    const version = widgetLoader(DEFAULT_WIDGET_FILE)()!.version;
    expect(lines).toEqual([
      `ok    settings    valid (read ${file} and the environment)`,
      `ok    store       ${join(dir, 'data/signer.db')} opened and migrated`,
      expect.stringMatching(
        new RegExp(
          `^ok {4}widget {6}pay-button\\.js \\d+ bytes, served at https://pay\\.shop\\.example/pay-button\\.js\\?v=${version}$`,
        ),
      ),
      `ok    gateway     ${gateway.url}/Pay_Index.html answers (HTTP 200)`,
      'ok    credentials member 10002 and the key were accepted (the gateway says "不存在的交易订单." for an order that cannot exist)',
      'all checks passed',
    ]);
    expect(code).toBe(0);
    // The probe's order id is one the signer can never make, so nothing was left at the gateway.
    expect(sim.controls.orders()).toEqual([]);
  });

  it('fails on a wrong key, naming JUPAY_KEY', async () => {
    const { code, lines } = await cli([
      'check',
      '--env-file',
      envFile('key.env', { JUPAY_KEY: 'not-the-right-key-0123' }),
    ]);
    expect(code).toBe(1);
    expect(lines.at(-2)).toBe(
      'FAIL  credentials JUPAY_KEY: the gateway refused the signature ("验签失败!"): JUPAY_KEY (or JUPAY_KEY_FILE) is not the key of member 10002',
    );
    expect(lines.at(-1)).toBe('1 check(s) did not pass');
    expect(lines.slice(0, 4).every((line) => line.startsWith('ok'))).toBe(true);
  });

  it('fails on a member id the gateway does not know, naming JUPAY_MEMBER_ID', async () => {
    const { code, lines } = await cli([
      'check',
      '--env-file',
      envFile('member.env', { JUPAY_MEMBER_ID: '10077' }),
    ]);
    expect(code).toBe(1);
    expect(lines.at(-2)).toBe(
      'FAIL  credentials JUPAY_MEMBER_ID: the gateway does not know member 10077 ("商户不存在")',
    );
  });

  it('fails on an unreachable gateway, naming the URLs to fix', async () => {
    // A port that was just free: nothing listens there, so the connection is refused at once.
    const port = await freePort();
    const file = envFile('down.env', { JUPAY_GATEWAY_URL: `http://127.0.0.1:${port}/Pay_Index.html` });
    const { code, lines } = await cli(['check', '--env-file', file]);
    expect(code).toBe(1);
    expect(lines.slice(-3)).toEqual([
      `FAIL  gateway     JUPAY_GATEWAY_URL: cannot reach http://127.0.0.1:${port}/Pay_Index.html (ECONNREFUSED)`,
      `FAIL  credentials JUPAY_QUERY_URL: cannot reach http://127.0.0.1:${port}/Pay_Trade_query.html (ECONNREFUSED)`,
      '2 check(s) did not pass',
    ]);
  });

  it('fails when the query URL answers something other than the gateway query (HTTP 500)', async () => {
    sim.controls.setFaults({ query: 'http-500' });
    try {
      const { code, lines } = await cli(['check', '--env-file', envFile('500.env')]);
      expect(code).toBe(1);
      expect(lines.at(-2)).toMatch(
        /^FAIL {2}credentials JUPAY_QUERY_URL: http:\/\/127\.0\.0\.1:\d+\/Pay_Trade_query\.html answered HTTP 500, not the gateway's query answer/,
      );
    } finally {
      sim.controls.clearFaults();
    }
  });

  it('reports every invalid setting with its file and line, and skips the rest', async () => {
    const file = join(dir, 'broken.env');
    writeFileSync(file, `JUPAY_MEMBER_ID=abc\nJUPAY_KEY=${DEMO.key}\n`);
    const { code, lines, out } = await cli(['check', '--env-file', file]);
    expect(code).toBe(1);
    expect(lines[0]).toBe(
      `FAIL  settings    JUPAY_MEMBER_ID (${file} line 1) must be digits without a leading zero`,
    );
    expect(lines[1]).toBe(
      `FAIL  settings    JUPAY_GATEWAY_URL (not set in ${file} or the environment) is required`,
    );
    expect(lines.filter((line) => line.startsWith('skip'))).toHaveLength(4);
    expect(out).not.toContain(DEMO.key);
  });

  it('says what is wrong with a store that cannot be opened', async () => {
    // A file where the SQLite file's folder should be.
    writeFileSync(join(dir, 'not-a-dir'), '');
    const { code, lines } = await cli([
      'check',
      '--env-file',
      envFile('store.env', { JUPAY_STORE: './not-a-dir/signer.db' }),
    ]);
    expect(code).toBe(1);
    expect(lines[1]).toMatch(
      /^FAIL {2}store {7}JUPAY_STORE: cannot open or migrate \S+\/not-a-dir\/signer\.db \(ENOTDIR: not a directory, mkdir '\S+\/not-a-dir'\)$/,
    );
  });
});

describe('jupay-signer check with several gateway accounts', () => {
  const B_KEY = 'key-of-gateway-b-24680';
  let fleet: GatewayFleet;
  beforeAll(async () => {
    fleet = await startGatewayFleet([
      { id: 'a', merchants: [DEMO], resendCount: 0 },
      { id: 'b', merchants: [{ memberId: '20001', key: B_KEY }], resendCount: 0 },
    ]);
    // b is an old gateway: name=>value joins everywhere.
    fleet.get('b').sim.controls.setFaults({ dialect: 'legacy' });
  });
  afterAll(() => fleet.close());

  const accounts = (overrides: Record<string, string> = {}) =>
    envFile('accounts.env', {
      JUPAY_MEMBER_ID: '',
      JUPAY_KEY: '',
      JUPAY_GATEWAY_URL: '',
      JUPAY_GATEWAYS: 'a,b',
      JUPAY_GATEWAY_A_PAYMENT_URL: `${fleet.get('a').running.url}/Pay_Index.html`,
      JUPAY_GATEWAY_A_MEMBER_ID: DEMO.memberId,
      JUPAY_GATEWAY_A_KEY: DEMO.key,
      JUPAY_GATEWAY_B_PAYMENT_URL: `${fleet.get('b').running.url}/Pay_Index.html`,
      JUPAY_GATEWAY_B_MEMBER_ID: '20001',
      JUPAY_GATEWAY_B_KEY: B_KEY,
      JUPAY_GATEWAY_B_DIALECT: 'legacy',
      ...overrides,
    });

  it("checks each account's payment page and credentials, in its dialect", async () => {
    const { code, lines } = await cli(['check', '--env-file', accounts()]);
    expect(lines.slice(3)).toEqual([
      `ok    gateway a   ${fleet.get('a').running.url}/Pay_Index.html answers (HTTP 200)`,
      'ok    credentials a member 10002 and the key were accepted (the gateway says "不存在的交易订单." for an order that cannot exist)',
      `ok    gateway b   ${fleet.get('b').running.url}/Pay_Index.html answers (HTTP 200)`,
      'ok    credentials b member 20001 and the key were accepted (the gateway says "不存在的交易订单." for an order that cannot exist)',
      'all checks passed',
    ]);
    expect(code).toBe(0);
  });

  it("names the account's settings: a gateway down, a wrong dialect, a wrong key", async () => {
    await fleet.get('b').sim.controls.setAvailability({ down: 'refused' });
    try {
      const down = await cli(['check', '--env-file', accounts()]);
      expect(down.code).toBe(1);
      expect(down.lines).toContain(
        `FAIL  gateway b   JUPAY_GATEWAY_B_PAYMENT_URL: cannot reach ${fleet.get('b').running.url}/Pay_Index.html (ECONNREFUSED)`,
      );
      expect(down.lines).toContain(
        `FAIL  credentials b JUPAY_GATEWAY_B_QUERY_URL: cannot reach ${fleet.get('b').running.url}/Pay_Trade_query.html (ECONNREFUSED)`,
      );
      expect(down.lines.filter((line) => line.startsWith('ok    credentials a'))).toHaveLength(1);
    } finally {
      await fleet.get('b').sim.controls.setAvailability({ down: false });
    }
    const standard = await cli(['check', '--env-file', accounts({ JUPAY_GATEWAY_B_DIALECT: 'standard' })]);
    expect(standard.lines).toContain(
      'FAIL  credentials b JUPAY_GATEWAY_B_KEY: the gateway refused the signature ("验签失败!"): JUPAY_GATEWAY_B_KEY (or JUPAY_GATEWAY_B_KEY_FILE) is not the key of member 20001',
    );
    const WRONG_KEY = 'not-the-key-of-a-1357';
    const wrongKey = await cli(['check', '--env-file', accounts({ JUPAY_GATEWAY_A_KEY: WRONG_KEY })]);
    expect(wrongKey.lines).toContain(
      'FAIL  credentials a JUPAY_GATEWAY_A_KEY: the gateway refused the signature ("验签失败!"): JUPAY_GATEWAY_A_KEY (or JUPAY_GATEWAY_A_KEY_FILE) is not the key of member 10002',
    );
    expect(wrongKey.out).not.toContain(WRONG_KEY);
  });

  it('proves a single legacy gateway with JUPAY_SIGN_DIALECT=legacy', async () => {
    sim.controls.setFaults({ dialect: 'legacy' });
    try {
      const { code, lines } = await cli([
        'check',
        '--env-file',
        envFile('legacy.env', { JUPAY_SIGN_DIALECT: 'legacy' }),
      ]);
      expect(lines).toContain(
        'ok    credentials member 10002 and the key were accepted (the gateway says "不存在的交易订单." for an order that cannot exist)',
      );
      expect(code).toBe(0);
    } finally {
      sim.controls.clearFaults();
    }
  });
});

describe('jupay-signer snippet and orders', () => {
  it('prints the two tags for the configured public URL with the bundle version and SRI hash', async () => {
    const asset = widgetLoader(DEFAULT_WIDGET_FILE)()!;
    const { code, out } = await cli(['snippet'], { JUPAY_ENV_FILE: envFile('snippet.env') });
    expect(code).toBe(0);
    expect(out).toBe(
      `<script type="module" src="https://pay.shop.example/pay-button.js?v=${asset.version}" integrity="${asset.integrity}" crossorigin="anonymous"></script>\n` +
        '<pay-button signer="https://pay.shop.example"></pay-button>\n',
    );
  });

  it('lists the newest orders, filtered by status and day, as a table or JSON lines', async () => {
    const file = envFile('orders.env', { JUPAY_STORE: './orders/signer.db' });
    const store = openSqliteStore(join(dir, 'orders/signer.db'));
    await store.migrate();
    const order = (orderId: string, amountFen: number, createdAt: string) => ({
      orderId,
      memberId: DEMO.memberId,
      amountFen,
      bankCode: '903',
      productName: 'VIP',
      attach: null,
      createdAt: new Date(createdAt),
      nextQueryAt: null,
      requestFields: {},
    });
    // 2024-03-01 23:30 and 2024-03-02 00:30 China time: two China days.
    await store.createOrder(order('A0000000000000000001', 1230, '2024-03-01T15:30:00Z'));
    await store.createOrder(order('A0000000000000000002', 990, '2024-03-01T16:30:00Z'));
    await store.markPaid({
      orderId: 'A0000000000000000002',
      transactionId: 'T1',
      amountFen: 990,
      paidAt: new Date('2024-03-01T16:31:00Z'),
      via: 'notify',
      event: { id: 'ev-1', payload: {} },
    });
    await store.close();

    const all = await cli(['orders', '--env-file', file]);
    expect(all.code).toBe(0);
    expect(all.lines).toEqual([
      'order                 status  amount  bank  gateway  created (China time)  paid                 via',
      'A0000000000000000002  PAID    9.90    903   default  2024-03-02 00:30:00   2024-03-02 00:31:00  notify',
      'A0000000000000000001  NOTPAY  12.30   903   default  2024-03-01 23:30:00',
      '2 of 2 order(s)',
    ]);
    const unpaid = await cli(['orders', '--env-file', file, '--status', 'notpay', '--json']);
    expect(
      unpaid.lines.map((line) => {
        const order = JSON.parse(line) as { orderId: string; gatewayId: string };
        return [order.orderId, order.gatewayId];
      }),
    ).toEqual([['A0000000000000000001', 'default']]);
    const day = await cli([
      'orders',
      '--env-file',
      file,
      '--from',
      '2024-03-02',
      '--to',
      '2024-03-02',
      '--limit',
      '1',
    ]);
    expect(day.lines.slice(1)).toEqual([
      'A0000000000000000002  PAID    9.90    903   default  2024-03-02 00:30:00   2024-03-02 00:31:00  notify',
      '1 of 1 order(s)',
    ]);
  });

  it('refuses bad arguments with exit code 2, and an unknown command', async () => {
    const file = envFile('args.env');
    expect(await cli(['orders', '--env-file', file, '--status', 'LOST'])).toMatchObject({
      code: 2,
      err: 'jupay-signer: --status must be PAID or NOTPAY\nRun jupay-signer --help for the commands.\n',
    });
    expect((await cli(['orders', '--env-file', file, '--from', '2024-02-30'])).err).toMatch(
      /^jupay-signer: --from must be a day/,
    );
    expect((await cli(['check', '--bogus'])).code).toBe(2);
    expect(await cli(['deploy'])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^jupay-signer: unknown command "deploy"/),
    });
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^Usage: jupay-signer <command> \[--env-file PATH\]/);
    expect(help.out).toContain('else the first that exists\nof ./.env and /etc/jupay/signer.env');
  });

  it('exits 1 naming the env file JUPAY_ENV_FILE gives when it does not exist', async () => {
    const { code, err } = await cli(['snippet'], { JUPAY_ENV_FILE: join(dir, 'nowhere.env') });
    expect(code).toBe(1);
    expect(err).toBe(`jupay-signer: ${join(dir, 'nowhere.env')} (given by JUPAY_ENV_FILE) does not exist\n`);
  });
});
