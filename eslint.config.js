// Lint rules, including the architecture's boundaries (DESIGN.md, rules of the house 1 and the
// layout): the engine never imports electron; the shared folder imports neither electron nor
// Node built-ins; the renderer imports only the shared folder from src-main.
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = builtinModules.filter((m) => !m.startsWith('_'));
const electron = { name: 'electron', message: 'Only src-main/app and the IPC transport may import electron (DESIGN.md rule 1).' };

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'test-results/**', 'test/fixtures/**', 'bench/results/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // plain CommonJS run before anything compiles TypeScript (bin/bundle.cjs)
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src-main/engine/**', 'src-main/cli/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [electron], patterns: [{ group: ['electron/*'], message: electron.message }] }],
    },
  },
  {
    files: ['src-main/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electron, ...nodeBuiltins.map((name) => ({ name, message: 'src-main/shared is pure TypeScript: no Node built-ins.' }))],
          patterns: [
            { group: ['node:*'], message: 'src-main/shared is pure TypeScript: no Node built-ins.' },
            { group: ['**/engine/**', '**/app/**', '**/api/**', '**/cli/**'], message: 'src-main/shared imports nothing else from src-main.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src-renderer/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electron, ...nodeBuiltins.map((name) => ({ name, message: 'The renderer runs in a sandboxed page: no Node built-ins.' }))],
          patterns: [
            { group: ['node:*'], message: 'The renderer runs in a sandboxed page: no Node built-ins.' },
            { group: ['**/src-main/**', '!**/src-main/shared', '!**/src-main/shared/**'], message: 'The renderer may import only src-main/shared.' },
          ],
        },
      ],
    },
  },
);
