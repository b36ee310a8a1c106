/**
 * @module cli/snippet-command
 * `jupay-signer snippet`: the two tags a merchant pastes into a page, for the bundle this signer serves and its
 * public URL (`JUPAY_PUBLIC_URL`): the versioned script with its Subresource Integrity hash, and the element.
 */
import { loadSignerConfig } from '../config/config-source.ts';
import { DEFAULT_WIDGET_FILE, widgetSnippet } from '../widget/widget-asset.ts';
import type { CliIo } from './cli-io.ts';

/** Options of {@link snippetCommand}. */
export interface SnippetOptions {
  envFile?: string | undefined;
  /** The bundle; default the one this signer serves. */
  widgetFile?: string;
}

/**
 * Prints the snippet; exit code 1 (and the reason on stderr) when the bundle is missing.
 * @example
 * await snippetCommand(io, {}); // <script type="module" src=".../pay-button.js?v=..." integrity="sha384-..." ...
 */
export async function snippetCommand(io: CliIo, options: SnippetOptions = {}): Promise<number> {
  const { config } = loadSignerConfig({ envFile: options.envFile, env: io.env, cwd: io.cwd });
  const file = options.widgetFile ?? DEFAULT_WIDGET_FILE;
  const snippet = widgetSnippet(config.publicUrl, file);
  if (!snippet) {
    io.stderr.write(`jupay-signer: pay-button.js is missing (${file}): rebuild or reinstall the signer\n`);
    return 1;
  }
  io.stdout.write(`${snippet.scriptTag}\n<pay-button signer="${config.publicUrl}"></pay-button>\n`);
  return 0;
}
