// @module custom-elements-manifest config: analyze the TypeScript sources (Lit) and describe the published files:
// module paths point into dist/lib, and the element's internal state properties are not listed as attributes.
// Relative references (`./amount.ts`, as the sources import it) name the published `.js` file too.
const toDist = (p) =>
  p.replace(/^\/?src\/(.*)\.(ts|js)$/, 'dist/lib/$1.js').replace(/^(\.{1,2}\/.*)\.ts$/, '$1.js');

export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.test.ts'],
  outdir: 'dist',
  litelement: true,
  plugins: [
    {
      name: 'jupay-publish',
      packageLinkPhase({ customElementsManifest }) {
        const walk = (node) => {
          if (Array.isArray(node)) return node.forEach(walk);
          if (!node || typeof node !== 'object') return;
          if (Array.isArray(node.attributes) && Array.isArray(node.members)) {
            // `static properties` entries with `state: true` are private fields, not attributes.
            const hidden = new Set(node.members.filter((m) => m.privacy === 'private').map((m) => m.name));
            node.attributes = node.attributes.filter((a) => !hidden.has(a.fieldName));
          }
          for (const [k, v] of Object.entries(node)) {
            if ((k === 'path' || k === 'module') && typeof v === 'string') node[k] = toDist(v);
            else walk(v);
          }
        };
        walk(customElementsManifest.modules);
      },
    },
  ],
};
