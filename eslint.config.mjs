// Lint: the layering the design relies on, enforced rather than described. Each folder may import
// only what sits below it; `npm test` runs this before any suite.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const noVscode = { name: 'vscode', message: 'This folder runs without VS Code: take what you need as a parameter.' };
const pattern = (group, message) => ({ group, message });

/** no-restricted-imports for one folder: `vscode` (unless allowed) and the given folder patterns. */
function layer(files, { vscode = false, patterns = [] }) {
  return {
    files,
    rules: {
      'no-restricted-imports': ['error', { paths: vscode ? [] : [noVscode], patterns }],
    },
  };
}

const outside = (message) =>
  pattern(
    [
      '**/onemin/**',
      '**/onemin',
      '**/jobs/**',
      '**/host/**',
      '**/form/**',
      '**/views/**',
      '**/files/**',
      '**/util/**',
      '**/commands/**',
      '**/extension',
    ],
    message,
  );

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.vscode-test/**', 'test-results/**', 'test/fixtures/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'max-len': ['error', { code: 140 }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      eqeqeq: ['error', 'smart'],
    },
  },
  { files: ['src/**/*.ts', 'media/**/*.ts'], rules: { 'max-lines': ['error', { max: 300 }] } },
  { files: ['media/**/*.ts'], languageOptions: { globals: { ...globals.browser } } },
  { files: ['test/**/*.{ts,mjs}'], languageOptions: { globals: { ...globals.mocha } } },
  { files: ['**/*.js'], languageOptions: { sourceType: 'commonjs' }, rules: { '@typescript-eslint/no-require-imports': 'off' } },
  // What each folder may import.
  layer(['src/shared/**/*.ts'], { patterns: [pattern(['../*', '!./*'], 'shared/ imports nothing outside itself: both sides bundle it.')] }),
  layer(['src/util/**/*.ts'], {
    patterns: [
      pattern(
        ['**/onemin/**', '**/onemin', '**/jobs/**', '**/files/**', '**/host/**', '**/form/**', '**/views/**'],
        'util/ is the bottom layer: it imports only shared/.',
      ),
    ],
  }),
  layer(['src/files/**/*.ts'], {
    patterns: [
      pattern(
        ['**/onemin/**', '**/onemin', '**/jobs/**', '**/host/**', '**/form/**', '**/views/**'],
        'files/ imports only util/ and shared/.',
      ),
    ],
  }),
  layer(['src/onemin/**/*.ts'], {
    patterns: [
      pattern(
        ['**/jobs/**', '**/host/**', '**/form/**', '**/views/**', '**/files/**'],
        'onemin/ is the HTTP client: it imports only util/ and shared/.',
      ),
    ],
  }),
  layer(['src/jobs/**/*.ts'], {
    patterns: [
      pattern(
        ['**/host/**', '**/form/**', '**/views/**', '**/commands/**'],
        'jobs/ runs without VS Code: the host adapts it, not the other way round.',
      ),
    ],
  }),
  layer(['media/**/*.ts'], {
    patterns: [
      outside('The webview imports only src/shared/: it never runs host code.'),
      pattern(['vscode'], 'The webview has no vscode module.'),
    ],
  }),
  layer(['src/host/**/*.ts', 'src/form/**/*.ts', 'src/views/**/*.ts', 'src/commands/**/*.ts', 'src/extension.ts'], { vscode: true }),
  layer(['test/**/*.ts', 'test/**/*.mjs', 'scripts/**/*.mjs', '*.mjs', '*.js'], { vscode: true }),
);
