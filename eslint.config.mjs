import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const contexts = ['core', 'database', 'identity', 'catalogue', 'ingest', 'exchange', 'policy', 'access', 'audit', 'portal', 'statistics'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.causeway/**', 'apps/console/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
      // A context is reached only through its public face, @causeway/<context>.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@causeway/*/*'], message: 'Import another context only through @causeway/<context>.' },
            ...contexts.map((context) => ({
              group: [`**/libs/${context}/**`, `../${context}/**`, `../../${context}/**`, `../../../${context}/**`],
              message: `Import ${context} through @causeway/${context}, not by path.`,
            })),
          ],
        },
      ],
    },
  },
  {
    // The web console runs in the browser and talks to the gateway only through its public API.
    files: ['apps/console/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts', 'test/**/*.mjs', 'bench/**/*.ts', 'bench/**/*.mjs'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@causeway/*/*'], message: 'Import a context through @causeway/<context>.' }] }],
    },
  },
);
