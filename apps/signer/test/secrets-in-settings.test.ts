/**
 * @module secrets-in-settings.test
 * A key or webhook secret pasted into the wrong setting must never be printed: for every setting the signer reads
 * (found in the source of config/load-config.ts, so a new one is covered without editing this file), the key and
 * the webhook secret are planted into it, alone and inside the shapes a setting takes (a list, a path, a URL), and
 * the configuration error, or the start-up error of a configuration that loads, must hold neither of them.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load-config.ts';
import { ConfigError } from '../src/errors.ts';
import { startServer, StartupError } from '../src/server.ts';
import { captureText } from './helpers/leak-log.ts';
import { TEST_KEY } from './helpers/notifications.ts';
import { baseEnv } from './helpers/signer-harness.ts';

const WEBHOOK_SECRET = 'whsec-planted-0123456789abcdef';

const dir = mkdtempSync(join(tmpdir(), 'jupay-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every setting name load-config.ts reads. */
const SETTINGS = [
  ...new Set(
    readFileSync(new URL('../src/config/load-config.ts', import.meta.url), 'utf8').match(
      /\b(JUPAY_[A-Z0-9_]+|PORT|HOST)\b/g,
    ),
  ),
].filter((name) => name !== 'JUPAY_KEY' && name !== 'JUPAY_WEBHOOK_SECRET');

/** A secret alone and inside the shapes settings take. */
const plantings = (secret: string) => [
  secret,
  `903,${secret}`,
  `${secret},1m`,
  `${secret}:name`,
  `/proc/${secret}/signer.db`,
  `postgres://${secret}@127.0.0.1:1/x`,
  `http://${secret}/x`,
  `1,2,${secret}*3`,
];

/** The message the operator would see for this environment: a configuration or a start-up error, or null. */
async function messageFor(env: Record<string, string | undefined>): Promise<string | null> {
  let config;
  try {
    config = loadConfig(env, { cwd: dir });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  try {
    const running = await startServer(config, { logDestination: { write: () => undefined } });
    await running.close(0);
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(StartupError);
    return (error as Error).message;
  }
}

describe('no setting echoes the key or the webhook secret', () => {
  it('finds the settings to test', () => {
    expect(SETTINGS).toEqual(expect.arrayContaining(['JUPAY_BANK_CODES', 'JUPAY_STORE', 'HOST', 'PORT']));
    expect(SETTINGS.length).toBeGreaterThan(25);
  });

  it.each(SETTINGS)('%s', async (setting) => {
    for (const secret of [TEST_KEY, WEBHOOK_SECRET]) {
      for (const planted of plantings(secret)) {
        const message = await messageFor(
          baseEnv({
            JUPAY_STORE: ':memory:',
            PORT: '0',
            JUPAY_WEBHOOK_URL: 'https://shop.example/hooks/jupay',
            JUPAY_WEBHOOK_SECRET: WEBHOOK_SECRET,
            [setting]: planted,
          }),
        );
        if (message === null) continue;
        captureText(`${setting} message`, message);
        for (const form of [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)]) {
          expect({ setting, planted, leaked: message.includes(form) }).toEqual({
            setting,
            planted,
            leaked: false,
          });
        }
      }
    }
  });
});
