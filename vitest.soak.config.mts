import {defineConfig} from 'vitest/config'

/** `npm run soak`: the reliability trials in test/soak, one file at a time, bounded by their own env limits. */
export default defineConfig({
  test: {
    include: ['test/soak/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 1_800_000,
    hookTimeout: 300_000,
  },
})
