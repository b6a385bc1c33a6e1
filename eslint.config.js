// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const drizzle = ['drizzle-orm', 'drizzle-orm/*', 'pg', '@electric-sql/*'];
const http = ['fastify', 'fastify-*', '@fastify/*'];

/** Dependencies point one way: faces, modules -> engine -> platform ports. */
const layerRules = [
  {
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/modules/**', '**/faces/**', '**/app.js', '**/container.js'], message: 'engine/ never imports modules, faces or the composition root.' },
            { group: http, message: 'engine/ does not know HTTP.' },
            { group: [...drizzle, '**/platform/db/**'], message: 'engine/ does not know SQL; use a port.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/platform/**/*.ts'],
    ignores: ['src/platform/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/modules/**', '**/engine/**', '**/faces/**'], message: 'platform/ sits below engine and modules.' }] },
      ],
    },
  },
  {
    files: ['src/modules/**/*.ts', 'src/faces/**/*.ts'],
    ignores: ['src/modules/**/*.repository.ts', 'src/modules/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: drizzle, message: 'Only repositories (and platform/db) touch drizzle.' }] },
      ],
    },
  },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'coverage/', 'drizzle/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  ...layerRules,
  {
    files: ['bench/**/*.ts', 'scripts/**/*.ts', 'scripts/**/*.mjs'],
    languageOptions: { globals: { URL: 'readonly', process: 'readonly', console: 'readonly' } },
    rules: { 'no-console': 'off' },
  },
);
