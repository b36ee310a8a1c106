/**
 * @module cli/check-command
 * `jupay-signer check`: everything that can be found out before the first shopper pays, one line per check:
 * the settings (and where they were read), the store (opened and migrated), the widget bundle, and for each
 * gateway account its payment page and its credentials, proven by a signed query (in the account's dialect) the
 * gateway can only answer with "no such order" when the member id and the key are right. A failed check names the setting to fix; the exit code is 1 when any
 * check failed.
 */
import { loadSignerConfig, readFrom } from '../config/config-source.ts';
import type { SignerConfig } from '../config/load-config.ts';
import { ConfigError } from '../errors.ts';
import {
  accountProbeSettings,
  probeCredentials,
  SINGLE_GATEWAY_PROBE_SETTINGS,
} from '../check/probe-credentials.ts';
import { accountSetting, DEFAULT_ACCOUNT_ID } from '../config/gateway-accounts.ts';
import { describeStore, storeFailureReason } from '../server.ts';
import { openStore } from '../store/open-store.ts';
import { widgetLoader, DEFAULT_WIDGET_FILE } from '../widget/widget-asset.ts';
import type { CliIo } from './cli-io.ts';

/** One check's outcome. */
export interface CheckLine {
  name: string;
  ok: boolean | 'skipped';
  text: string;
}

/** Options of {@link runChecks}. */
export interface CheckOptions {
  envFile?: string | undefined;
  /** Per gateway request; default `JUPAY_QUERY_TIMEOUT_MS`. */
  timeoutMs?: number;
  /** The widget bundle to look for; default the one this signer serves. */
  widgetFile?: string;
}

/**
 * Runs every check and returns one line each (the command prints them).
 * @example
 * const lines = await runChecks(io, { envFile: '/etc/jupay/signer.env' });
 * lines.every((line) => line.ok !== false); // true when the signer is ready
 */
export async function runChecks(io: CliIo, options: CheckOptions = {}): Promise<CheckLine[]> {
  const lines: CheckLine[] = [];
  let config: SignerConfig;
  try {
    const loaded = loadSignerConfig({ envFile: options.envFile, env: io.env, cwd: io.cwd });
    config = loaded.config;
    lines.push({ name: 'settings', ok: true, text: `valid ${readFrom(loaded.source)}` });
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const problem of error.problems) {
        lines.push({ name: 'settings', ok: false, text: `${problem.setting} ${problem.problem}` });
      }
    } else {
      lines.push({ name: 'settings', ok: false, text: (error as Error).message });
    }
    for (const name of ['store', 'widget', 'gateway', 'credentials']) {
      lines.push({ name, ok: 'skipped', text: 'not checked: the settings are invalid' });
    }
    return lines;
  }

  lines.push(await checkStore(config));
  lines.push(checkWidget(config, options.widgetFile ?? DEFAULT_WIDGET_FILE));
  const timeoutMs = options.timeoutMs ?? config.queryTimeoutMs;
  // Every gateway account: its payment page and its credentials. One account (`default`) keeps the plain names.
  const single = config.gateways.length === 1 && config.gateways[0]!.id === DEFAULT_ACCOUNT_ID;
  for (const account of config.gateways) {
    const suffix = single ? '' : ` ${account.id}`;
    const settings = single ? SINGLE_GATEWAY_PROBE_SETTINGS : accountProbeSettings(account.id);
    const pageSetting = single ? 'JUPAY_GATEWAY_URL' : accountSetting(account.id, 'PAYMENT_URL');
    lines.push({
      ...(await checkPaymentPage(account.paymentUrl, pageSetting, timeoutMs)),
      name: `gateway${suffix}`,
    });
    const probe = await probeCredentials({
      credentials: { memberId: account.memberId, key: account.key },
      queryUrl: account.queryUrl,
      dialect: account.dialect,
      timeoutMs,
      settings,
    });
    lines.push(
      probe.ok
        ? { name: `credentials${suffix}`, ok: true, text: probe.detail }
        : { name: `credentials${suffix}`, ok: false, text: `${probe.setting}: ${probe.problem}` },
    );
  }
  return lines;
}

/**
 * The command: prints the lines, then a summary; exit code 0 when every check passed, 1 otherwise.
 * @example
 * process.exitCode = await checkCommand(io, { envFile });
 */
export async function checkCommand(io: CliIo, options: CheckOptions = {}): Promise<number> {
  const lines = await runChecks(io, options);
  for (const line of lines) {
    const mark = line.ok === true ? 'ok  ' : line.ok === false ? 'FAIL' : 'skip';
    io.stdout.write(`${mark}  ${line.name.padEnd(11)} ${line.text}\n`);
  }
  const failed = lines.filter((line) => line.ok !== true).length;
  io.stdout.write(failed === 0 ? 'all checks passed\n' : `${failed} check(s) did not pass\n`);
  return failed === 0 ? 0 : 1;
}

async function checkStore(config: SignerConfig): Promise<CheckLine> {
  const where = describeStore(config.store);
  try {
    const store = await openStore(config.store);
    await store.close();
    return { name: 'store', ok: true, text: `${where} opened and migrated` };
  } catch (error) {
    return {
      name: 'store',
      ok: false,
      text: `JUPAY_STORE: cannot open or migrate ${where} (${storeFailureReason(error, config.store)})`,
    };
  }
}

function checkWidget(config: SignerConfig, file: string): CheckLine {
  try {
    const asset = widgetLoader(file)();
    if (!asset)
      return {
        name: 'widget',
        ok: false,
        text: `pay-button.js is missing (${file}): rebuild or reinstall the signer`,
      };
    return {
      name: 'widget',
      ok: true,
      text: `pay-button.js ${asset.content.length} bytes, served at ${config.publicUrl}/pay-button.js?v=${asset.version}`,
    };
  } catch (error) {
    return { name: 'widget', ok: false, text: `pay-button.js cannot be read (${(error as Error).message})` };
  }
}

async function checkPaymentPage(paymentUrl: string, setting: string, timeoutMs: number): Promise<CheckLine> {
  try {
    // The payment page takes form POSTs from browsers; any HTTP answer to a GET shows it is reachable from here.
    const response = await fetch(paymentUrl, {
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
    await response.body?.cancel();
    return { name: 'gateway', ok: true, text: `${paymentUrl} answers (HTTP ${response.status})` };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    const reason =
      (error as Error).name === 'TimeoutError'
        ? 'no answer within the timeout'
        : (cause?.code ??
          (error as { cause?: { message?: string } }).cause?.message ??
          (error as Error).message);
    return {
      name: 'gateway',
      ok: false,
      text: `${setting}: cannot reach ${paymentUrl} (${reason})`,
    };
  }
}
