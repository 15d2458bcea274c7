import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/cli-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 300_000,
    // translation is CPU-bound; two workers match the CI machine
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    pool: 'forks',
  },
});
