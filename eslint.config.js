// One lint config for the whole workspace. TypeScript is linted with type information (each package's tsconfig,
// found by typescript-eslint's project service) for the rules that catch real bugs rather than style: a promise
// dropped or passed where its result is ignored, an await of something that is not a promise, a switch that misses
// a case, a throw of a non-error, an object turned into "[object Object]". The import rules keep the module graph
// plain: no cycles, no duplicate imports, imports before anything else, and relative imports written with the
// file's own extension (`./foo.ts`; tsc rewrites them to `.js` in the published builds).
import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const GLOBALS = [
  'process',
  'console',
  'URL',
  'URLSearchParams',
  'setTimeout',
  'clearTimeout',
  'setInterval',
  'clearInterval',
  'Buffer',
  'fetch',
  'AbortSignal',
  'TextEncoder',
  'TextDecoder',
  'performance',
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', '**/data/**', '**/artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: {
      // Which files the import rules read (the default is JavaScript only, which would hide every TypeScript cycle).
      'import-x/extensions': ['.ts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      // Workspace packages resolve to their TypeScript sources, as vitest and tsc see them.
      'import-x/resolver-next': [
        createNodeResolver({ conditionNames: ['source', 'node', 'import', 'default'] }),
      ],
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import-x/no-duplicates': 'error',
      'import-x/first': 'error',
      'import-x/no-cycle': 'error',
      'import-x/no-self-import': 'error',
      'import-x/no-useless-path-segments': 'error',
      'import-x/extensions': ['error', 'always', { ignorePackages: true }],
    },
  },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: {
        // The root vitest.config.ts belongs to no package's tsconfig.
        projectService: { allowDefaultProject: ['vitest.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // Only where a missing await changes which errors a try/catch or finally sees.
      '@typescript-eslint/return-await': ['error', 'error-handling-correctness-only'],
      // A `default` branch is a decision about the other cases; a switch without one must name them all.
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/prefer-promise-reject-errors': 'error',
      '@typescript-eslint/no-base-to-string': 'error',
      '@typescript-eslint/no-redundant-type-constituents': 'error',
      '@typescript-eslint/no-duplicate-type-constituents': 'error',
      '@typescript-eslint/no-for-in-array': 'error',
      '@typescript-eslint/no-implied-eval': 'error',
      '@typescript-eslint/no-array-delete': 'error',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^\\.{1,2}/.*\\.js$', message: 'Import the TypeScript file itself (./foo.ts).' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: Object.fromEntries(GLOBALS.map((name) => [name, 'readonly'])) },
  },
);
