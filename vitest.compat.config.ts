import { defineConfig } from 'vitest/config';

// The compatibility lane (npm run test:compat): baro against the real Claude Code CLI and a loopback Messages API.
export default defineConfig({
  test: {
    include: ['test/compat/**/*.test.ts'],
    globalSetup: ['test/compat/global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 60_000,
    // Each scenario runs several real claude processes; two files at once fit a 2-core machine.
    maxWorkers: 2,
  },
});
