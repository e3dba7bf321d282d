import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/fixtures/**', 'node_modules/**'],
    // better-sqlite3 and worker threads behave best in separate processes
    pool: 'forks',
    testTimeout: 60_000,
    // test files run studies in parallel processes on purpose: the one-study-per-machine guard
    // (tested on its own in test/cli/concurrent.test.ts) would refuse them
    env: { ECOPT_ALLOW_CONCURRENT: '1' },
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
