// Lint rules that protect the architecture: no floating promises anywhere,
// deterministic workflow code, and library folders free of Temporal and S3.
import tseslint from 'typescript-eslint';

const heavyOrNondeterministic = [
  { group: ['@tensorflow/*', 'tfjs-tflite-node', '@litertjs/*'], message: 'Workflows must not load ML runtimes: call an activity.' },
  { group: ['@aws-sdk/*'], message: 'Workflows must not talk to S3: call an activity.' },
  { group: ['node:*', 'fs', 'fs/*', 'path', 'os', 'crypto', 'child_process', 'http', 'https', 'net', 'worker_threads', 'zlib', 'stream'], message: 'Workflow code runs in a deterministic sandbox without Node built-ins.' },
];
const orchestrationOrStorage = [
  { group: ['@temporalio/*'], message: 'Library folders (ml/, tflite/) stay free of Temporal.' },
  { group: ['@aws-sdk/*'], message: 'Library folders (ml/, tflite/) stay free of S3.' },
];

export default tseslint.config(
  { ignores: ['node_modules/**', '.liteship/**', 'bench/out/**', '.prof/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['workflows/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: heavyOrNondeterministic }] } },
  { files: ['ml/**/*.ts', 'tflite/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: orchestrationOrStorage }] } },
);
