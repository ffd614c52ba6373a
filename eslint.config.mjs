// Lint rules that protect the architecture: no floating promises anywhere, deterministic workflow
// code, library folders free of Temporal and S3, the import directions of the architecture notes
// ("Directions"), and no import cycles.
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
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

// Who may import whom among our own top-level parts (worker = worker.ts). Anything not listed is
// forbidden; `types` = only `import type` (the workflow sandbox must not load activity code).
// client may run a worker in-process (`liteship worker`) and reads the workflow's query definitions.
const TOP_LEVEL = ['contracts', 'infra', 'ml', 'tflite', 'activities', 'workflows', 'client', 'worker', 'bench', 'test', 'scripts', 'bin'];
const DIRECTIONS = {
  contracts: { values: [] },
  infra: { values: ['contracts'] },
  ml: { values: ['contracts'] },
  tflite: { values: ['contracts'] },
  activities: { values: ['contracts', 'infra', 'ml', 'tflite'] },
  workflows: { values: ['contracts'], types: ['activities'] },
  worker: { values: ['contracts', 'infra', 'ml', 'activities'] },
  client: { values: ['contracts', 'infra', 'ml', 'tflite', 'worker', 'workflows/queries'], types: ['workflows'] },
};

const why = (from, to) =>
  `${from} may not import ${to} (architecture "Directions": ${from} -> ${[...DIRECTIONS[from].values, ...(DIRECTIONS[from].types ?? []).map((t) => `${t} (types)`)].join(', ') || 'nothing of ours'}).`;
function directionPatterns(from) {
  const { values, types = [] } = DIRECTIONS[from];
  // Relative paths only (we use no aliases): worker.ts sits at the root, everything else one folder or more down.
  const root = from === 'worker' ? '^\\./' : '^(\\.\\./)+';
  return TOP_LEVEL.filter((t) => t !== from && !values.includes(t)).map((t) => {
    // A value-allowed sub-path of a types-only part (workflows/queries) is carved out with a negative lookahead.
    const carveOut = values.filter((v) => v.startsWith(`${t}/`)).map((v) => `(?!${v.slice(t.length)}(/|$))`).join('');
    return { regex: `${root}${t}${carveOut}(/|$)`, message: why(from, t), ...(types.includes(t) ? { allowTypeImports: true } : {}) };
  });
}

const restrict = (from, extra = []) => ({
  files: from === 'worker' ? ['worker.ts'] : [`${from}/**/*.ts`],
  rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [...extra, ...directionPatterns(from)] }] },
});

export default tseslint.config(
  { ignores: ['node_modules/**', '.liteship/**', 'bench/out/**', '.prof/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Value-import cycles only (type imports vanish at run time); packages are not followed.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  restrict('contracts'),
  restrict('infra'),
  restrict('ml', orchestrationOrStorage),
  restrict('tflite', orchestrationOrStorage),
  restrict('activities'),
  restrict('workflows', heavyOrNondeterministic),
  restrict('worker'),
  restrict('client'),
);
