// @module custom-elements-manifest config: analyze the TypeScript sources (Lit, legacy decorators) and point the
// manifest's module paths at the published files in dist/.
export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.test.ts'],
  outdir: 'dist',
  litelement: true,
  plugins: [
    {
      name: 'dist-paths',
      packageLinkPhase({ customElementsManifest }) {
        const toDist = (p) => (typeof p === 'string' ? p.replace(/^src\/(.*)\.ts$/, 'dist/lib/$1.js') : p);
        const walk = (node) => {
          if (Array.isArray(node)) return node.forEach(walk);
          if (!node || typeof node !== 'object') return;
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
