/**
 * @module config/config-source
 * Where the standalone signer's settings come from, found the same way every time: the file named by `--env-file`,
 * else the file named by `JUPAY_ENV_FILE`, else the first that exists of `./.env` (the working directory) and
 * `/etc/jupay/signer.env`; at most one file is read, and variables already in the environment win over it. A file
 * named explicitly must exist. {@link loadSignerConfig} validates the result and, on failure, says for every setting
 * at fault which file (and line) or the environment it came from.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, type ConfigProblem } from '../errors.ts';
import { parseEnvFile } from './env-file.ts';
import { loadConfig, type SignerConfig } from './load-config.ts';

/** The system-wide env file, read when no other is named and `./.env` does not exist. */
export const SYSTEM_ENV_FILE = '/etc/jupay/signer.env';

/** The variable that names the env file when `--env-file` is not given. */
export const ENV_FILE_VARIABLE = 'JUPAY_ENV_FILE';

/** Where the settings were read from. */
export interface ConfigSource {
  /** The environment merged over the file's settings (the environment wins). */
  env: Record<string, string | undefined>;
  /** The absolute path of the env file read, or null when none was. */
  file: string | null;
  /** Why that file: `--env-file`, `JUPAY_ENV_FILE`, or `search` (the first that existed of the search list). */
  chosenBy: '--env-file' | typeof ENV_FILE_VARIABLE | 'search' | null;
  /** The files looked for, in order, when none was named. */
  searched: string[];
  /** Line numbers in the file of each setting it sets (the last line wins, as when it is read). */
  lines: Record<string, number>;
}

/**
 * A problem with where the settings come from: an env file that was named but cannot be read, or one that does
 * not parse. The message names the file.
 * @example
 * try { readConfigSource({ envFile: 'missing.env' }); } catch (e) { if (e instanceof ConfigFileError) e.file; }
 */
export class ConfigFileError extends Error {
  readonly code = 'CONFIG_FILE';
  readonly file: string;
  constructor(file: string, message: string) {
    super(message);
    this.name = 'ConfigFileError';
    this.file = file;
  }
}

/** What {@link readConfigSource} looks at; every field is optional. */
export interface ConfigSourceOptions {
  /** `--env-file PATH`, resolved from `cwd`. */
  envFile?: string | undefined;
  /** The process environment; default `process.env`. */
  env?: Record<string, string | undefined>;
  /** The working directory; default `process.cwd()`. */
  cwd?: string;
  /** The search list when no file is named; default `./.env` in `cwd`, then {@link SYSTEM_ENV_FILE}. */
  searchPath?: readonly string[];
}

/**
 * Finds and reads the env file, and merges the environment over it.
 * @example
 * const source = readConfigSource({ envFile: argv.envFile });
 * source.file; // '/etc/jupay/signer.env' (or null)
 */
export function readConfigSource(options: ConfigSourceOptions = {}): ConfigSource {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const searched: string[] = [];
  let file: string | null = null;
  let chosenBy: ConfigSource['chosenBy'] = null;
  let text: string | null = null;

  const named = nonEmpty(options.envFile) ?? nonEmpty(env[ENV_FILE_VARIABLE]);
  if (named !== undefined) {
    chosenBy = nonEmpty(options.envFile) !== undefined ? '--env-file' : ENV_FILE_VARIABLE;
    file = resolve(cwd, named);
    text = readNamed(file, chosenBy);
  } else {
    for (const candidate of options.searchPath ?? [resolve(cwd, '.env'), SYSTEM_ENV_FILE]) {
      const path = resolve(cwd, candidate);
      searched.push(path);
      const found = readIfExists(path);
      if (found !== null) {
        file = path;
        chosenBy = 'search';
        text = found;
        break;
      }
    }
  }

  let values: Record<string, string> = {};
  let lines: Record<string, number> = {};
  if (file !== null && text !== null) {
    try {
      values = parseEnvFile(text);
    } catch (error) {
      // The parser names the line (`.env line 3: ...`), never a value.
      const detail = (error as Error).message.replace(/^\.env /, '');
      throw new ConfigFileError(file, `${file}: ${detail}`);
    }
    lines = settingLines(text);
  }
  const merged: Record<string, string | undefined> = { ...values };
  for (const [name, value] of Object.entries(env)) if (value !== undefined) merged[name] = value;
  return { env: merged, file, chosenBy, searched, lines };
}

/**
 * Reads the settings as {@link readConfigSource} finds them and validates them with `loadConfig`. A
 * {@link ConfigError} from here says where each setting at fault came from.
 * @example
 * const { config, source } = loadSignerConfig({ envFile: '/etc/jupay/signer.env' });
 */
export function loadSignerConfig(options: ConfigSourceOptions = {}): {
  config: SignerConfig;
  source: ConfigSource;
} {
  const source = readConfigSource(options);
  const env = options.env ?? process.env;
  try {
    const config = loadConfig(source.env, { cwd: options.cwd ?? process.cwd() });
    return { config, source };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new SourcedConfigError(error.problems, source, env);
  }
}

/**
 * A {@link ConfigError} whose message says, for each setting, where its value came from: `(from FILE line N)`,
 * `(from the environment)`, or, for a missing one, which file was read.
 * @example
 * err.message; // 'invalid configuration: JUPAY_MEMBER_ID (/etc/jupay/signer.env line 2) must be digits ...'
 */
export class SourcedConfigError extends ConfigError {
  readonly file: string | null;
  constructor(
    problems: readonly ConfigProblem[],
    source: ConfigSource,
    env: Record<string, string | undefined>,
  ) {
    super(
      problems.map((p) => ({
        setting: p.setting,
        problem: `${p.origin ?? origin(p.setting, source, env)} ${p.problem}`,
      })),
    );
    this.file = source.file;
    this.message = `invalid configuration ${readFrom(source)}:\n${problems
      .map((p) => `  ${p.setting} ${p.origin ?? origin(p.setting, source, env)} ${p.problem}`)
      .join('\n')}`;
  }
}

/**
 * The files a source read, for the start line and messages: `read /etc/jupay/signer.env` or what was searched.
 * @example
 * readFrom(source); // '(read /etc/jupay/signer.env and the environment)'
 */
export function readFrom(source: ConfigSource): string {
  if (source.file !== null) return `(read ${source.file} and the environment)`;
  return `(no env file: looked for ${source.searched.join(', ')}; read the environment only)`;
}

function origin(setting: string, source: ConfigSource, env: Record<string, string | undefined>): string {
  // The environment wins over the file, so a value set in both came from the environment.
  if (nonEmpty(env[setting]) !== undefined) return '(from the environment)';
  const line = source.lines[setting];
  if (source.file !== null && line !== undefined) return `(${source.file} line ${line})`;
  return source.file !== null
    ? `(not set in ${source.file} or the environment)`
    : '(not set in the environment)';
}

function settingLines(text: string): Record<string, number> {
  const lines: Record<string, number> = {};
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((line, index) => {
      const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line);
      if (match) lines[match[1]!] = index + 1;
    });
  return lines;
}

function readNamed(file: string, by: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    const why =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EACCES'
          ? 'is not readable by this user'
          : `cannot be read (${code})`;
    throw new ConfigFileError(file, `${file} (given by ${by}) ${why}`);
  }
}

function readIfExists(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    // It exists but cannot be read: silently skipping it would start with other settings than intended.
    throw new ConfigFileError(file, `${file} exists but cannot be read (${code ?? 'error'})`);
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
