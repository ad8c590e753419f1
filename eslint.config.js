// Flat config. App code (main, preload, renderer, migrations) gets typescript-eslint's
// type-aware rules; the renderer gets React's hooks rules; tests get the syntactic set. The rules
// that keep the architecture honest:
// - only src-main/electron (and the preload) import `electron` at runtime: core must run in
//   plain Node, where the Electron binary is absent (type imports are erased and allowed);
// - one way to start a process: node:child_process only in core/engines/runProgram.ts;
// - one way to query: SQL statements are prepared only in core/db (the statement cache).
// The layers themselves (no cycles between core folders, hosts → api → domains → platform →
// shared) are checked by dependency-cruiser in `npm run lint:layers`.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const electron = {
  name: 'electron',
  message:
    'Only src-main/electron may import electron at runtime (core runs in plain Node). Use `import type` elsewhere.',
  allowTypeImports: true,
};
const childProcess = ['child_process', 'node:child_process', 'execa'].map((name) => ({
  name,
  message:
    'Start programs through core/engines/runProgram.ts (scrubbed environment, process-tree kill, logged command line).',
  allowTypeImports: true,
}));
const restricted = (...paths) => ({ 'no-restricted-imports': ['error', { paths }] });

const appCode = [
  'src-main/**/*.ts',
  'src-preload/**/*.ts',
  'src-renderer/**/*.{ts,tsx}',
  'migrations/**/*.ts',
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'out/',
      'dist/',
      'release/',
      'coverage/',
      'test-results/',
      '.gl/',
      '.whl/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked.map((c) => ({ ...c, files: appCode })),
  {
    files: appCode,
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Handlers and kinds often return a value an interface types as a promise.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        window: 'readonly',
        location: 'readonly',
        document: 'readonly',
        fetch: 'readonly',
        WebSocket: 'readonly',
        navigator: 'readonly',
        performance: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        TextDecoder: 'readonly',
        TextEncoder: 'readonly',
        structuredClone: 'readonly',
        queueMicrotask: 'readonly',
        requestAnimationFrame: 'readonly',
        cancelAnimationFrame: 'readonly',
        localStorage: 'readonly',
        matchMedia: 'readonly',
        HTMLElement: 'readonly',
        KeyboardEvent: 'readonly',
        MouseEvent: 'readonly',
        Event: 'readonly',
        File: 'readonly',
        FormData: 'readonly',
        Blob: 'readonly',
      },
    },
    rules: {
      ...restricted(electron, ...childProcess),
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    files: ['src-main/core/**/*.ts', 'src-main/server/**/*.ts', 'src-main/cli/**/*.ts'],
    ignores: ['src-main/core/db/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='prepare'][arguments.length=1]",
          message:
            'Query through kysely, or on a measured hot path through the statement cache: statements(db).get(sql) (core/db/statements.ts).',
        },
      ],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      // The rules of hooks, and effects that name everything they use. (The React Compiler
      // rules in the plugin's recommended set are for code the compiler rewrites; ours is not.)
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      // zustand actions are closures over the store, not methods that need `this`.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly' },
    },
  },
  {
    // Migrations are typed Kysely<any> on purpose: they must stay frozen in time.
    files: ['migrations/**', 'test/core/db/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
  {
    files: ['src-main/electron/**', 'src-preload/**', 'test/e2e/electron/**'],
    rules: restricted(...childProcess),
  },
  {
    // The one place that starts processes; tests and scripts drive programs directly.
    files: ['src-main/core/engines/runProgram.ts', 'test/**', 'scripts/**'],
    rules: restricted(electron),
  },
);
