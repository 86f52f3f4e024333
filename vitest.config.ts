import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // End-to-end tests spawn many git and agent processes; two workers fit a 2-core machine.
    maxWorkers: 2,
  },
});
