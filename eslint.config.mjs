// ESLint for govnet: typescript-eslint's type-checked rules on the product code (src, commands,
// stacks), a lighter set on tests, bench and scripts, and the layering rule (what may import what).
// Formatting is Prettier's job (.prettierrc.json); eslint-config-prettier turns off the rules that clash.
import js from '@eslint/js'
import prettier from 'eslint-config-prettier'
import importX from 'eslint-plugin-import-x'
import {createTypeScriptImportResolver} from 'eslint-import-resolver-typescript'
import globals from 'globals'
import tseslint from 'typescript-eslint'

/**
 * The layers, lowest first. A layer may import the layers before it, never one after it: error types
 * and package paths at the bottom, then the catalog of user-facing messages, pure domain rules, the
 * repositories of the inventory, the feature modules (use cases: import, audit, coverage, metrics,
 * provision) and on top the command layer. Feature modules may use one another.
 */
const LAYERS = [
  {name: 'foundation', paths: ['src/errors.*', 'src/ssh-errors.*', 'src/paths.*']},
  {name: 'messages', paths: ['src/messages/**']},
  {name: 'domain', paths: ['src/domain/**']},
  {name: 'packaged data', paths: ['src/baseline-files.*']},
  {name: 'inventory', paths: ['src/inventory/**']},
  {name: 'stacks', paths: ['stacks/**']},
  {
    name: 'features',
    paths: [
      'src/import/**',
      'src/audit/**',
      'src/coverage/**',
      'src/metrics/**',
      'src/provision/**',
      'src/report/**',
      'src/seed/**',
    ],
  },
  {name: 'commands', paths: ['src/cli/**', 'src/quickstart.*', 'commands/**']},
]
const glob = (paths) => paths.map((p) => `./${p}`)
const layeringZones = LAYERS.flatMap((layer, index) => {
  const above = LAYERS.slice(index + 1)
  if (above.length === 0) return []
  return glob(layer.paths).map((target) => ({
    target,
    from: glob(above.flatMap((upper) => upper.paths)),
    message: `${layer.name} may import only ${LAYERS.slice(0, index + 1)
      .map((l) => l.name)
      .join(', ')}.`,
  }))
})
/**
 * stacks/ run inside the Pulumi engine's processes from the plan the driver hands them: they never read
 * the inventory. The ledger resources they declare are kept by src/provision/ledger.ts, which the
 * dynamic providers require by path in the provider process.
 */
const stackZones = [
  {
    target: './stacks/**',
    from: ['./src/inventory/**'],
    message: 'stacks/ do not read the inventory: the driver hands them the plan.',
  },
]

export default tseslint.config(
  {ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'bench/out/**', 'coverage/**', 'oclif.manifest.json']},
  js.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mts'],
    extends: [tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: {allowDefaultProject: ['vitest.config.mts', 'vitest.soak.config.mts', 'scripts/*.ts']},
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', {allowNumber: true, allowBoolean: true}],
      // govnet parses terminal output and refuses control characters in input: such regexes are deliberate.
      'no-control-regex': 'off',
      // An AbortSignal's reason is `any` by type; rejecting with it is how abort propagates.
      '@typescript-eslint/prefer-promise-reject-errors': [
        'error',
        {allowThrowingAny: true, allowThrowingUnknown: true},
      ],
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
      '@typescript-eslint/consistent-type-assertions': [
        'error',
        {assertionStyle: 'as', objectLiteralTypeAssertions: 'never'},
      ],
      // noUncheckedIndexedAccess makes every regex group and checked index `T | undefined`; a `!` there is
      // a deliberate, reviewed assertion, and the alternative (a branch that cannot run) reads worse.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // `() => void call()` shorthands are how Prettier-formatted callbacks read; the rule only reflows them.
      '@typescript-eslint/no-confusing-void-expression': 'off',
      // oclif's command statics and repository classes are read through `this`: these two cost more than they catch.
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['src/**/*.ts', 'commands/**/*.ts', 'stacks/**/*.ts'],
    plugins: {'import-x': importX},
    settings: {'import-x/resolver-next': [createTypeScriptImportResolver({project: './tsconfig.json'})]},
    rules: {
      'import-x/no-restricted-paths': ['error', {zones: [...layeringZones, ...stackZones]}],
      'import-x/no-cycle': ['error', {maxDepth: 6}],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // Tests: assertions on parsed JSON and rows are their point; the unsafe-* family would demand a cast on each.
    files: ['test/**/*.ts', 'vitest.config.mts', 'vitest.soak.config.mts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      // Tests probe values the types say cannot be absent (that is what a failing test reports), await
      // callbacks by contract, and add numbers read from untyped bench modules.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/restrict-plus-operands': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
      '@typescript-eslint/no-unnecessary-type-parameters': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {sourceType: 'commonjs', globals: globals.node},
  },
  {
    // The coverage report's own script runs in the browser, inlined after ECharts (src/report/coverage-page.ts).
    files: ['src/report/page/**/*.js'],
    languageOptions: {sourceType: 'script', globals: {...globals.browser, echarts: 'readonly'}},
  },
  {
    files: ['**/*.mjs'],
    languageOptions: {sourceType: 'module', globals: globals.node},
  },
  prettier,
)
