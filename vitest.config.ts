import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Fault tests that start and stop servers and processes of their own (a private Redis and
 * PostgreSQL, restarted; the gateway as a process, signalled): `npm run test:faults`
 * (vitest.faults.config.ts), which `.ci/run` runs after `npm test`.
 */
export const SLOW_FAULTS = [
  'test/faults/redis-restart.test.ts',
  'test/faults/postgres-restart.test.ts',
  'test/faults/shutdown.test.ts',
  'test/faults/gateway-cluster.test.ts',
];

export default defineConfig({
  test: {
    include: [
      'packages/*/test/**/*.test.ts',
      'subgraphs/*/test/**/*.test.ts',
      'gateway/test/**/*.test.ts',
      'infrastructure/test/**/*.test.ts',
      'schema/test/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    exclude: [...configDefaults.exclude, ...SLOW_FAULTS],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
