/**
 * @module systemd-unit.test
 * The shipped `deploy/jupay-signer.service`: `systemd-analyze verify` accepts it without a warning (on machines that
 * have systemd's tools; Debian's `systemd` package ships it), its hardening and its credential are what the README
 * promises, and the settings it hands the signer (the env file by JUPAY_ENV_FILE, the key as a credential file,
 * the store in the state directory) pass `jupay-signer check` against the gateway simulator.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGatewaySim } from '@jupay/gateway-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../src/cli/cli-io.ts';
import { runCli } from '../src/cli/run-cli.ts';
import { captureText } from './helpers/leak-log.ts';
import { DEMO } from './helpers/sim-orders.ts';

const UNIT = fileURLToPath(new URL('../../../deploy/jupay-signer.service', import.meta.url));

/** The unit's `[Service]` (or other section's) settings; a key given several times keeps every value. */
function section(name: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  let current = '';
  for (const raw of readFileSync(UNIT, 'utf8').split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) {
      current = header[1]!;
      continue;
    }
    if (current !== name) continue;
    const eq = line.indexOf('=');
    const key = line.slice(0, eq);
    settings.set(key, [...(settings.get(key) ?? []), line.slice(eq + 1)]);
  }
  return settings;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'jupay-unit-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('deploy/jupay-signer.service', () => {
  it('passes systemd-analyze verify with no warning', () => {
    const tool = spawnSync('sh', ['-c', 'command -v systemd-analyze'], { encoding: 'utf8' });
    if (tool.status !== 0) {
      // Verified where the tool exists (Debian: the systemd package); the checks below run everywhere.
      console.warn('systemd-analyze is not installed here: the unit was not verified by systemd');
      return;
    }
    // Verified under its own name, as systemd loads it from /etc/systemd/system.
    const copy = join(dir, 'jupay-signer.service');
    copyFileSync(UNIT, copy);
    const result = spawnSync('systemd-analyze', ['verify', copy], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('runs as its own user, writes only its state directory, and gets the key as a credential', () => {
    const service = section('Service');
    const one = (key: string) => service.get(key)?.at(-1);
    expect(one('User')).toBe('jupay');
    expect(one('ProtectSystem')).toBe('strict');
    expect(one('ProtectHome')).toBe('yes');
    expect(one('NoNewPrivileges')).toBe('yes');
    expect(one('PrivateTmp')).toBe('yes');
    expect(one('CapabilityBoundingSet')).toBe('');
    expect(one('StateDirectory')).toBe('jupay-signer');
    expect(one('WorkingDirectory')).toBe('/var/lib/jupay-signer');
    expect(one('LoadCredential')).toBe('jupay-key:/etc/jupay/key');
    expect(service.get('Environment')).toEqual([
      'JUPAY_ENV_FILE=/etc/jupay/signer.env',
      'JUPAY_KEY_FILE=%d/jupay-key',
    ]);
    expect(one('ExecStart')).toBe(
      '/usr/bin/node /opt/jupay-signer/node_modules/@jupay/signer/bin/jupay-signer.js start',
    );
    expect(one('KillSignal')).toBe('SIGTERM');
    expect(section('Install').get('WantedBy')).toEqual(['multi-user.target']);
  });

  it('hands the signer settings that pass check: the env file without a key, the key from the credential', async () => {
    const sim = createGatewaySim({ resendCount: 0 });
    const gateway = await sim.start({ port: 0, hostname: '127.0.0.1' });
    try {
      // What systemd would lay out: /etc/jupay/signer.env, $CREDENTIALS_DIRECTORY/jupay-key, /var/lib/jupay-signer.
      const etc = join(dir, 'etc-jupay');
      const credentials = join(dir, 'credentials');
      const state = join(dir, 'var-lib-jupay-signer');
      for (const folder of [etc, credentials, state]) mkdirSync(folder);
      writeFileSync(
        join(etc, 'signer.env'),
        [
          `JUPAY_MEMBER_ID=${DEMO.memberId}`,
          `JUPAY_GATEWAY_URL=${gateway.url}/Pay_Index.html`,
          'JUPAY_PUBLIC_URL=https://pay.shop.example',
          'JUPAY_RETURN_URL=https://shop.example/thanks',
          'JUPAY_BANK_CODES=902,903',
          'JUPAY_STORE=./data/signer.db',
          '',
        ].join('\n'),
      );
      writeFileSync(join(credentials, 'jupay-key'), `${DEMO.key}\n`, { mode: 0o400 });
      const environment = Object.fromEntries(
        section('Service')
          .get('Environment')!
          .map((assignment) => {
            const [name, value] = assignment.split('=') as [string, string];
            return [name, value.replace('%d', credentials).replace('/etc/jupay', etc)];
          }),
      );
      const io = captureIo(environment, state);
      const code = await runCli(['check'], io);
      captureText('check under the unit', io.out() + io.err());
      expect(io.out().split('\n').slice(0, 2)).toEqual([
        `ok    settings    valid (read ${join(etc, 'signer.env')} and the environment)`,
        `ok    store       ${join(state, 'data/signer.db')} opened and migrated`,
      ]);
      expect(code).toBe(0);
    } finally {
      await gateway.close();
    }
  });
});
