import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The real-CLI lane has its own config and command (npm run test:compat).
    exclude: [...configDefaults.exclude, 'test/compat/**'],
    // Generous: a timeout only bounds a hang, and end-to-end runs crawl on a loaded 2-core machine.
    testTimeout: 90_000,
    hookTimeout: 90_000,
    // End-to-end tests spawn many git and agent processes; two workers fit a 2-core machine.
    maxWorkers: 2,
  },
});
