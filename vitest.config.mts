import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The reliability trials run on their own: `npm run soak` (vitest.soak.config.mts).
    exclude: ['test/soak/**', '**/node_modules/**'],
    // better-sqlite3 and ssh2 are native/worker-heavy: separate processes keep them isolated.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // In CI a JSON report as well, from which .ci/run prints the plain "N passed, N failed" line.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: {json: 'test-results/vitest.json'},
  },
})
