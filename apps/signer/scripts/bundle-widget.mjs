// Part of `pnpm build`: copies the self-contained <pay-button> bundle into the signer's build output
// (dist/widget/pay-button.js, beside the module that serves it), so the packed and installed signer serves it with
// no other package present. The pay-button package builds first (it is a devDependency, and `pnpm -r build` follows
// the dependency order); a missing bundle fails the build rather than shipping a signer that answers 503.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const source = fileURLToPath(new URL('../../../packages/pay-button/dist/pay-button.js', import.meta.url));
const target = fileURLToPath(new URL('../dist/widget/pay-button.js', import.meta.url));

if (!existsSync(source)) {
  console.error(
    `${source} is missing: run pnpm --filter @jupay/pay-button build first (pnpm build does both)`,
  );
  process.exit(1);
}
mkdirSync(dirname(target), { recursive: true });
copyFileSync(source, target);
