/**
 * @module test/cli.test
 * The `jupay` command as a person runs it: the real CLI in a child process (as `pnpm jupay` starts it), against a
 * local HTTP server standing in for the gateway or the signer where a command talks to one.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import vectors from './helpers/vectors.ts';
import { parseForm } from '../src/form.ts';
import { parseNotification } from '../src/notification.ts';
import { PAYMENT_SIGNED_FIELDS, sign, type Dialect } from '../src/signature.ts';

const main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const key = vectors.key;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in a child process, as `pnpm jupay` does. */
function jupay(args: string[], env: Record<string, string> = { JUPAY_KEY: key }): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', main, ...args],
      { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 20_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

function pairs(fields: Record<string, string>): string[] {
  return Object.entries(fields).map(([name, value]) => `${name}=${value}`);
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function listen(handler: (body: string, method: string) => string): Promise<string> {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      response.setHeader('content-type', 'text/html; charset=utf-8');
      response.end(handler(body, request.method ?? ''));
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** `jupay request` with every required option (the notify URL at index 8). */
const REQUEST = [
  'request',
  '--member-id',
  '10002',
  '--bank-code',
  '903',
  '--amount',
  '12.34',
  '--notify-url',
  'https://shop.example.com/api/notify',
  '--callback-url',
  'https://shop.example.com/api/return',
  '--product-name',
  '会员',
];

/**
 * A gateway's query endpoint: answers every query with its order in `trade`'s state, signed in `dialect` (with the
 * byte order mark deployed gateways put in front); `received()` is the last query it got.
 */
async function queryAnswering(
  trade: { amount: string; state: string },
  dialect: Dialect = 'standard',
): Promise<{ url: string; received(): Record<string, string> }> {
  let received: Record<string, string> = {};
  const url = await listen((body) => {
    received = parseForm(body);
    const fields = {
      memberid: '10002',
      orderid: received.pay_orderid!,
      amount: trade.amount,
      time_end: '2024-03-01 12:00:09',
      transaction_id: '20240301120000123456',
      returncode: '00',
      trade_state: trade.state,
    };
    return `\uFEFF${JSON.stringify({ ...fields, sign: sign(fields, key, { dialect }) })}`;
  });
  return { url, received: () => received };
}

describe('jupay CLI', () => {
  for (const vector of vectors.vectors) {
    it(`sign reproduces ${vector.id}`, async () => {
      const dialect = vector.dialect === 'legacy' ? ['--dialect', 'legacy'] : [];
      const run = await jupay([
        'sign',
        ...dialect,
        '--fields',
        vector.signedFields.join(','),
        ...pairs(vector.fields),
      ]);
      expect(run).toMatchObject({ code: 0, stdout: `${vector.sign}\n` });
    });
  }

  it('canonical shows the hashed string with the key masked', async () => {
    const v1 = vectors.vectors[0]!;
    const run = await jupay(['canonical', '--fields', v1.signedFields.join(','), ...pairs(v1.fields)]);
    expect(run.stdout).toBe(`${v1.canonical!.replace(key, '***')}\n`);
    expect(run.stdout).not.toContain(key);
  });

  it('verify exits 0 when valid and 1 when not, saying which', async () => {
    const v3 = vectors.vectors[2]!;
    const args = ['verify', '--fields', v3.signedFields.join(','), ...pairs(v3.fields)];
    const good = await jupay([...args, '--sign', v3.sign]);
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/^valid/);
    const bad = await jupay([...args, '--sign', v3.signWithAmountReformatted!]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^invalid/);
  });

  it('signs the legacy dialect', async () => {
    const run = await jupay(['sign', '--dialect', 'legacy', 'b=2', 'a=1']);
    expect(run.stdout.trim()).toBe(sign({ a: '1', b: '2' }, key, { dialect: 'legacy' }));
  });

  it('reads the key from --key-file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jupay-cli-'));
    writeFileSync(join(dir, 'key'), `${key}\n`);
    const run = await jupay(['sign', '--key-file', join(dir, 'key'), 'a=1'], {});
    expect(run.stdout.trim()).toBe(sign({ a: '1' }, key));
  });

  it('never takes the key as an argument, and never prints it', async () => {
    const run = await jupay(['sign', '--key', key, 'a=1'], {});
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--key is not accepted/);
    expect(run.stderr + run.stdout).not.toContain(key);
  });

  it.each([
    [['sign', 'a=1'], {}, /no key: set JUPAY_KEY/],
    [['sign'], { JUPAY_KEY: key }, /at least one name=value/],
    [['sign', 'novalue'], { JUPAY_KEY: key }, /expected name=value/],
    [['sign', '--dialect', 'old', 'a=1'], { JUPAY_KEY: key }, /--dialect must be/],
    [['frobnicate'], { JUPAY_KEY: key }, /unknown command/],
    // A name every object has is not a command either.
    [['toString'], { JUPAY_KEY: key }, /unknown command "toString"/],
    [['verify', 'a=1'], { JUPAY_KEY: key }, /--sign is required/],
    [['request', '--member-id', '10002'], { JUPAY_KEY: key }, /--amount is required/],
    [['sign', '--bogus', 'a=1'], { JUPAY_KEY: key }, /bogus/],
  ] as [string[], Record<string, string>, RegExp][])(
    '%j fails with one clear line',
    async (args, env, message) => {
      const run = await jupay(args, env);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
    },
  );

  it('has --help on every command', async () => {
    for (const command of ['sign', 'canonical', 'verify', 'request', 'query', 'notify']) {
      const run = await jupay([command, '--help']);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`jupay ${command}`);
    }
  });

  it('request prints a signed form as JSON and as HTML', async () => {
    const args = [...REQUEST, '--order-id', 'E1'];
    const json = await jupay(args);
    const request = JSON.parse(json.stdout) as { fields: Record<string, string>; action: string };
    expect(request.fields.pay_amount).toBe('12.34');
    expect(request.fields.pay_md5sign).toMatch(/^[0-9A-F]{32}$/);
    const html = await jupay([...args, '--html']);
    // The apply date (and so the signature) may differ by a second between the runs: verify the HTML on its own.
    const hidden = Object.fromEntries(
      [...html.stdout.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [
        m[1]!,
        m[2]!.replace(/&#38;/g, '&'),
      ]),
    );
    expect(hidden.pay_amount).toBe('12.34');
    expect(hidden.pay_md5sign).toBe(sign(hidden, key, { signedFields: PAYMENT_SIGNED_FIELDS }));
    expect(html.stdout).toContain('<form method="post" action="http://127.0.0.1:4100/Pay_Index.html">');
    const refused = await jupay([...args.slice(0, 8), 'https://x.example.com/n?a=1', ...args.slice(9)]);
    expect(refused.stderr).toMatch(/URL_HAS_QUERY/);
  });

  it('query posts a signed request and prints the verified answer', async () => {
    const gateway = await queryAnswering({ amount: '12.3400', state: 'SUCCESS' });
    const run = await jupay([
      'query',
      '--url',
      `${gateway.url}/Pay_Trade_query.html`,
      '--member-id',
      '10002',
      '--order-id',
      'E7',
    ]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ paid: true, orderId: 'E7', amountFen: 1234 });
    expect(gateway.received().pay_md5sign).toBe(sign({ pay_memberid: '10002', pay_orderid: 'E7' }, key));
  });

  it('request and query speak the legacy dialect with --dialect legacy, and refuse an unknown one', async () => {
    const request = await jupay([...REQUEST, '--dialect', 'legacy']);
    const { fields } = JSON.parse(request.stdout) as { fields: Record<string, string> };
    // The signed list leaves pay_md5sign out, so the form's own fields can be signed again as they are.
    expect(fields.pay_md5sign).toBe(
      sign(fields, key, { signedFields: PAYMENT_SIGNED_FIELDS, dialect: 'legacy' }),
    );
    expect(fields.pay_md5sign).not.toBe(sign(fields, key, { signedFields: PAYMENT_SIGNED_FIELDS }));

    const gateway = await queryAnswering({ amount: '1.0000', state: 'NOTPAY' }, 'legacy');
    const query = ['query', '--url', gateway.url, '--member-id', '10002', '--order-id', 'E7'];
    const legacy = await jupay([...query, '--dialect', 'legacy']);
    expect(legacy.code).toBe(0);
    expect(JSON.parse(legacy.stdout)).toMatchObject({ paid: false, orderId: 'E7' });
    expect(gateway.received().pay_md5sign).toBe(
      sign({ pay_memberid: '10002', pay_orderid: 'E7' }, key, { dialect: 'legacy' }),
    );
    // The same legacy answer read as standard does not verify.
    expect((await jupay(query)).code).not.toBe(0);
    const unknown = await jupay([...query, '--dialect', 'old']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toBe('jupay: --dialect must be "standard" or "legacy", got "old"');
  });

  it('query reports a gateway error with its message', async () => {
    const url = await listen(() => '{"status":"error","msg":"不存在的交易订单号.","data":null}');
    const run = await jupay(['query', '--url', url, '--member-id', '10002', '--order-id', 'E7']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('不存在的交易订单号.');
  });

  it('notify sends a hand-built, four-decimal, verifiable notification and reports the reply', async () => {
    let body = '';
    const url = await listen((received) => {
      body = received;
      return 'ok';
    });
    const run = await jupay([
      'notify',
      '--url',
      url,
      '--member-id',
      '10002',
      '--order-id',
      'E7',
      '--amount',
      '12.3',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/received/);
    expect(body).toMatch(
      /^memberid=10002&orderid=E7&transaction_id=\d{20}&amount=12\.3000&datetime=\d{14}&returncode=00&sign=[0-9A-F]{32}&attach=$/,
    );
    expect(parseNotification(body, { memberId: '10002', key }).amountFen).toBe(1230);
  });

  it('notify exits 1 when the merchant does not answer ok', async () => {
    const url = await listen(() => 'FAIL');
    const run = await jupay([
      'notify',
      '--url',
      url,
      '--member-id',
      '10002',
      '--order-id',
      'E7',
      '--amount',
      '1',
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/not received/);
  });
});
