import { defineConfig } from 'vitest/config';

// Two projects: `unit` runs anywhere with no services; `integration` needs Redis (REDIS_URL,
// default 127.0.0.1:6379) and starts its own s3rver, simulator and receivers on loopback.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'packages/*/src/**/*.test.ts',
            'apps/*/src/**/*.test.ts',
            'test/chaos/**/*.test.ts',
            'test/bench/**/*.test.ts',
            'test/architecture/**/*.test.ts',
            'test/consumer/*.test.ts',
          ],
          exclude: ['**/*.int.test.ts', '**/node_modules/**'],
        },
      },
      {
        test: {
          name: 'integration',
          include: [
            'packages/*/src/**/*.int.test.ts',
            'apps/*/src/**/*.int.test.ts',
            'test/integration/**/*.test.ts',
            'test/e2e/**/*.test.ts',
          ],
          exclude: ['**/node_modules/**'],
          globalSetup: ['test/support/global-redis.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Two cores: one file at a time keeps timing-sensitive waits honest.
          fileParallelism: false,
        },
      },
    ],
  },
});
