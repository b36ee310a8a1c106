/**
 * @module cli/query
 * `jupay query`: asks a gateway about one order and prints the verified answer.
 */
import { parseArgs } from 'node:util';
import { createQueryRequest, parseQueryResponse } from '../query.ts';
import { readDialect, readKey, required } from './args.ts';
import { postForm } from './post-form.ts';
import type { CommandResult } from './command.ts';

const HELP = `usage: jupay query --url QUERY_URL --member-id ID --order-id ID [--dialect legacy] [--key-file PATH]
                  [--timeout MS]
POSTs a signed query to the gateway's Pay_Trade_query.html and prints the parsed, verified answer as JSON;
--dialect legacy signs the query and checks the answer as a 2016-17 gateway does.`;

/**
 * @example
 * await queryCommand(['--url', 'http://127.0.0.1:4100/Pay_Trade_query.html', '--member-id', '10002', '--order-id', id], env);
 */
export async function queryCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<CommandResult> {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string' },
      'member-id': { type: 'string' },
      'order-id': { type: 'string' },
      dialect: { type: 'string' },
      'key-file': { type: 'string' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return { output: HELP, exitCode: 0 };
  const url = required(values, 'url');
  const credentials = { memberId: required(values, 'member-id'), key: readKey(values, env) };
  const dialect = readDialect(values);
  const { body } = createQueryRequest(required(values, 'order-id'), credentials, { dialect });
  const { text } = await postForm(url, body, Number(values.timeout ?? 10_000));
  const result = parseQueryResponse(text, credentials, { dialect });
  return { output: JSON.stringify(result, null, 2), exitCode: 0 };
}
