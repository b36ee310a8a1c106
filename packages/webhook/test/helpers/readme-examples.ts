/**
 * @module test/helpers/readme-examples
 * The receiver examples exactly as the README shows them: the fenced block after each `<!-- example: NAME -->`
 * marker. Tests run these texts, so the README cannot drift from what works.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_DIR } from './packed.ts';

/**
 * The code of the README example named `name`.
 *
 * @example
 * writeFileSync(join(dir, 'receiver.mjs'), readmeExample('node'));
 */
export function readmeExample(name: string): string {
  const readme = readFileSync(join(PACKAGE_DIR, 'README.md'), 'utf8');
  const marker = `<!-- example: ${name} -->`;
  const at = readme.indexOf(marker);
  if (at < 0) throw new Error(`README.md has no ${marker}`);
  const block = /```[a-z]*\n([\s\S]*?)\n```/.exec(readme.slice(at + marker.length));
  if (!block) throw new Error(`README.md has no code block after ${marker}`);
  return `${block[1]}\n`;
}
