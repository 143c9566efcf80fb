import { createBus } from '@nexanest/bus';
import type { NotificationsDeps } from '../src/context.ts';
import type { NotificationsPool } from '../src/db/index.ts';
import type { MarketClient } from '@nexanest/graphql';

/** A market client for tests that never reach market: asking it is a test failure. */
const notAsked = async (): Promise<never> => {
  throw new Error('this test does not ask market');
};
export const unusedMarket: MarketClient = {
  findInstrument: notAsked,
  findQuote: notAsked,
  dailyCloses: notAsked,
  latestFxRate: notAsked,
  fxHistory: notAsked,
  goalValues: notAsked,
};

/** The service's dependencies around a test pool; an in-process bus unless one is given. */
export const testDeps = (pool: NotificationsPool, overrides: Partial<NotificationsDeps> = {}): NotificationsDeps => ({
  db: pool.db,
  bus: createBus({ redisUrl: null, namespace: 'notifications-test' }),
  market: unusedMarket,
  watchSymbol: async () => {},
  // Tests of the audit trail pass the time-series database's client.
  audit: pool.sql,
  ...overrides,
});
