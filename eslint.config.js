// @ts-check
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import pluginVue from 'eslint-plugin-vue'
import globals from 'globals'

/**
 * The layers (ARCHITECTURE.md): matrix → auth / sso → accounts → service → electron | cli, with
 * shared/ as the contract between main and the renderer. A lower layer that imports a higher one
 * fails the lint, as VS Code's layer checker fails its build.
 */
const LAYERS = ['matrix', 'auth', 'sso', 'accounts', 'service', 'electron', 'cli', 'shared', 'renderer', 'preload', 'main']

/** A pattern that matches relative imports reaching into any of the named folders. */
const into = (/** @type {string[]} */ names, /** @type {string} */ message) => ({
  regex: `^\\.\\.?/(.*/)?(${names.join('|')})(/|$)`,
  message,
})

const electronOnlyInShell = {
  name: 'electron',
  message: 'Only src/main/electron and src/preload may import electron: the core runs in plain Node.',
}

/** @param {string[]} forbidden @param {string} why @param {boolean} [mayUseElectron] */
const layerRule = (forbidden, why, mayUseElectron = false) => ({
  '@typescript-eslint/no-restricted-imports': [
    'error',
    { paths: mayUseElectron ? [] : [electronOnlyInShell], patterns: [into(forbidden, why)] },
  ],
})

export default tseslint.config(
  {
    ignores: ['out/**', 'dist/**', 'node_modules/**', 'coverage/**', 'test-results/**', 'playwright-report/**', 'e2e/.artifacts/**', 'test/lint-fixtures/**', '.bench-cli-*/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
    },
  },
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs' }, rules: { '@typescript-eslint/no-require-imports': 'off' } },
  // Each layer may import only what is below it.
  { files: ['src/main/matrix/**'], rules: layerRule(LAYERS.filter((l) => l !== 'matrix'), 'matrix/ is the bottom layer: it imports nothing of ours above it.') },
  { files: ['src/main/sso/**'], rules: layerRule(['auth', 'accounts', 'service', 'electron', 'cli', 'renderer', 'preload'], 'sso/ may use only matrix/.') },
  { files: ['src/main/auth/**'], rules: layerRule(['accounts', 'service', 'electron', 'cli', 'renderer', 'preload'], 'auth/ may use only matrix/ and sso/.') },
  { files: ['src/main/accounts/**'], rules: layerRule(['service', 'electron', 'cli', 'renderer', 'preload'], 'accounts/ may not import the service or the shells above it.') },
  { files: ['src/main/service/**'], rules: layerRule(['electron', 'cli', 'renderer', 'preload'], 'service/ may not import the shells (electron, cli) that use it.') },
  { files: ['src/cli/**'], rules: layerRule(['electron', 'renderer', 'preload'], 'the command line runs in plain Node: no Electron, no renderer.') },
  { files: ['src/shared/**'], rules: layerRule(['main', 'cli', 'renderer', 'preload'], 'shared/ is the contract: it imports nothing of main, the CLI or the renderer.') },
  { files: ['src/main/electron/**'], rules: layerRule(['cli', 'renderer', 'preload'], 'the Electron shell talks to the renderer only through IPC.', true) },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            electronOnlyInShell,
            { name: 'zod', message: 'The renderer imports contract types only; zod stays in main.' },
          ],
          patterns: [
            into(['main', 'cli', 'preload', 'test', 'e2e'], 'The renderer imports only src/shared and itself.'),
            { regex: '^node:', message: 'The renderer has no Node: it imports only src/shared and itself.' },
            { regex: '(^|/)shared/contract$', allowTypeImports: true, message: 'Import the contract with `import type` (its schemas belong to main).' },
          ],
        },
      ],
    },
  },
  { files: ['src/preload/**'], rules: layerRule(['main', 'cli', 'renderer'], 'preload exposes the contract and nothing else.', true) },
)
