import { defineConfig } from 'vitest/config';
import { SLOW_FAULTS } from './vitest.config.ts';

/** `npm run test:faults`: the slow fault tests, one file at a time (each runs servers of its own). */
export default defineConfig({
  test: {
    include: SLOW_FAULTS,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 1, minForks: 1 } },
  },
});
