/** @module config/config-source.test */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { baseEnv } from '../../test/helpers/signer-harness.ts';
import { TEST_KEY } from '../../test/helpers/notifications.ts';
import { ConfigError } from '../errors.ts';
import {
  ConfigFileError,
  loadSignerConfig,
  readConfigSource,
  readFrom,
  SourcedConfigError,
  SYSTEM_ENV_FILE,
} from './config-source.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'jupay-config-source-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A complete env file (the harness's settings) with `overrides` appended. */
function envFileText(overrides: string[] = []): string {
  const lines = Object.entries(baseEnv({ JUPAY_STORE: './data/signer.db' })).map(([k, v]) => `${k}=${v}`);
  return [...lines, ...overrides, ''].join('\n');
}

describe('readConfigSource: which file', () => {
  it('reads --env-file, resolved from the working directory, under the environment', () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'conf'));
    writeFileSync(join(cwd, 'conf/signer.env'), 'JUPAY_MEMBER_ID=10002\nPORT=4201\n');
    writeFileSync(join(cwd, '.env'), 'PORT=9999\n');
    const source = readConfigSource({ envFile: 'conf/signer.env', env: { PORT: '4300' }, cwd });
    expect(source.file).toBe(join(cwd, 'conf/signer.env'));
    expect(source.chosenBy).toBe('--env-file');
    // The environment wins; ./.env is not read when a file is named.
    expect(source.env.PORT).toBe('4300');
    expect(source.env.JUPAY_MEMBER_ID).toBe('10002');
    expect(source.lines).toEqual({ JUPAY_MEMBER_ID: 1, PORT: 2 });
  });

  it('reads JUPAY_ENV_FILE when no --env-file is given, and --env-file wins over it', () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'a.env'), 'X=from-a\n');
    writeFileSync(join(cwd, 'b.env'), 'X=from-b\n');
    const byVariable = readConfigSource({ env: { JUPAY_ENV_FILE: 'a.env' }, cwd });
    expect([byVariable.file, byVariable.chosenBy, byVariable.env.X]).toEqual([
      join(cwd, 'a.env'),
      'JUPAY_ENV_FILE',
      'from-a',
    ]);
    const byFlag = readConfigSource({ envFile: 'b.env', env: { JUPAY_ENV_FILE: 'a.env' }, cwd });
    expect([byFlag.file, byFlag.env.X]).toEqual([join(cwd, 'b.env'), 'from-b']);
  });

  it('searches ./.env, then the system file, and reads only the first that exists', () => {
    const cwd = tempDir();
    const system = join(tempDir(), 'signer.env');
    writeFileSync(system, 'X=system\nY=system-only\n');
    const systemOnly = readConfigSource({ env: {}, cwd, searchPath: [join(cwd, '.env'), system] });
    expect([systemOnly.file, systemOnly.chosenBy, systemOnly.env.X]).toEqual([system, 'search', 'system']);
    expect(systemOnly.searched).toEqual([join(cwd, '.env'), system]);

    writeFileSync(join(cwd, '.env'), 'X=local\n');
    const local = readConfigSource({ env: {}, cwd, searchPath: [join(cwd, '.env'), system] });
    expect([local.file, local.env.X, local.env.Y]).toEqual([join(cwd, '.env'), 'local', undefined]);
  });

  it('searches ./.env and /etc/jupay/signer.env by default', () => {
    const cwd = tempDir();
    const source = readConfigSource({ env: {}, cwd });
    expect(source.searched).toEqual([join(cwd, '.env'), SYSTEM_ENV_FILE]);
    expect(SYSTEM_ENV_FILE).toBe('/etc/jupay/signer.env');
  });

  it('reads the environment alone when no file exists, and says what it looked for', () => {
    const cwd = tempDir();
    const source = readConfigSource({ env: { A: '1' }, cwd, searchPath: [join(cwd, '.env')] });
    expect([source.file, source.chosenBy, source.env.A]).toEqual([null, null, '1']);
    expect(readFrom(source)).toBe(
      `(no env file: looked for ${join(cwd, '.env')}; read the environment only)`,
    );
  });

  it('refuses a named file that does not exist or cannot be read, naming it and who named it', () => {
    const cwd = tempDir();
    expect(() => readConfigSource({ envFile: 'missing.env', env: {}, cwd })).toThrow(
      `${join(cwd, 'missing.env')} (given by --env-file) does not exist`,
    );
    expect(() => readConfigSource({ env: { JUPAY_ENV_FILE: join(cwd, 'gone.env') }, cwd })).toThrow(
      `${join(cwd, 'gone.env')} (given by JUPAY_ENV_FILE) does not exist`,
    );
    // A directory where a file is expected.
    const error = (() => {
      try {
        readConfigSource({ envFile: cwd, env: {}, cwd });
      } catch (e) {
        return e as ConfigFileError;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(ConfigFileError);
    expect(error?.message).toBe(`${cwd} (given by --env-file) cannot be read (EISDIR)`);
  });

  it('does not skip a searched file that exists but cannot be read', () => {
    if (process.getuid?.() === 0) {
      // root reads any file: an unreadable one is made with a directory in its place instead.
      const cwd = tempDir();
      mkdirSync(join(cwd, '.env'));
      expect(() => readConfigSource({ env: {}, cwd, searchPath: [join(cwd, '.env')] })).toThrow(
        `${join(cwd, '.env')} exists but cannot be read (EISDIR)`,
      );
      return;
    }
    const cwd = tempDir();
    writeFileSync(join(cwd, '.env'), 'A=1\n');
    chmodSync(join(cwd, '.env'), 0o000);
    expect(() => readConfigSource({ env: {}, cwd, searchPath: [join(cwd, '.env')] })).toThrow(
      /exists but cannot be read/,
    );
  });

  it('names the file and the line of a malformed line, never its value', () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'bad.env'), `JUPAY_MEMBER_ID=10002\nJUPAY_KEY="${TEST_KEY}\n`);
    expect(() => readConfigSource({ envFile: 'bad.env', env: {}, cwd })).toThrow(
      new ConfigFileError(
        join(cwd, 'bad.env'),
        `${join(cwd, 'bad.env')}: line 2: unterminated double quote in JUPAY_KEY`,
      ),
    );
  });
});

describe('loadSignerConfig: every problem names its setting and where it came from', () => {
  it('loads a complete file, relative paths from the working directory', () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'signer.env'), envFileText());
    const { config, source } = loadSignerConfig({ envFile: 'signer.env', env: {}, cwd });
    expect(config.gateways[0]!.memberId).toBe('10002');
    expect(config.store).toBe(join(cwd, 'data/signer.db'));
    expect(source.file).toBe(join(cwd, 'signer.env'));
  });

  it('says the file and line, the environment, or that a required setting is set nowhere', () => {
    const cwd = tempDir();
    const file = join(cwd, 'signer.env');
    writeFileSync(
      file,
      ['JUPAY_MEMBER_ID=0123', 'JUPAY_GATEWAY_URL=https://gw.example/Pay_Index.html', ''].join('\n'),
    );
    let error: unknown;
    try {
      loadSignerConfig({ envFile: file, env: { JUPAY_PUBLIC_URL: 'ftp://x', JUPAY_KEY: TEST_KEY }, cwd });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SourcedConfigError);
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message.split('\n')).toEqual([
      `invalid configuration (read ${file} and the environment):`,
      `  JUPAY_MEMBER_ID (${file} line 1) must be digits without a leading zero`,
      '  JUPAY_PUBLIC_URL (from the environment) must be an absolute http(s) URL',
      `  JUPAY_RETURN_URL (not set in ${file} or the environment) is required`,
      `  JUPAY_BANK_CODES (not set in ${file} or the environment) is required, e.g. 902,903 (or 911:云闪付 for a code of your gateway)`,
    ]);
    expect((error as SourcedConfigError).problems.map((p) => p.setting)).toEqual([
      'JUPAY_MEMBER_ID',
      'JUPAY_PUBLIC_URL',
      'JUPAY_RETURN_URL',
      'JUPAY_BANK_CODES',
    ]);
    expect(message).not.toContain(TEST_KEY);
  });
});
