import { AppError } from '@nexanest/graphql';

export type CandleInterval = 'ONE_MINUTE' | 'FIVE_MINUTES' | 'ONE_HOUR' | 'ONE_DAY';

/** Bucket width in seconds, and as a PostgreSQL interval. Buckets are aligned to UTC midnight. */
export const CANDLE_INTERVALS: Readonly<Record<CandleInterval, { seconds: number; sql: string }>> = {
  ONE_MINUTE: { seconds: 60, sql: '1 minute' },
  FIVE_MINUTES: { seconds: 300, sql: '5 minutes' },
  ONE_HOUR: { seconds: 3600, sql: '1 hour' },
  ONE_DAY: { seconds: 86_400, sql: '1 day' },
};

/** Where each width is stored: a rollup table, or on TimescaleDB a view over continuous aggregates. */
export const CANDLE_TABLES: Readonly<Record<CandleInterval, string>> = {
  ONE_MINUTE: 'candles_1m',
  FIVE_MINUTES: 'candles_5m',
  ONE_HOUR: 'candles_1h',
  ONE_DAY: 'candles_1d',
};

/** Larger ranges must use a wider interval: one response never carries more candles than this. */
export const MAX_CANDLES = 5000;

/** Rejects an empty or inverted range and one that spans too many buckets. */
export function assertCandleRange(interval: CandleInterval, from: Date, to: Date): void {
  if (from.getTime() >= to.getTime()) throw new AppError('BAD_USER_INPUT', '`from` must be before `to`', { field: 'from' });
  const buckets = Math.ceil((to.getTime() - from.getTime()) / 1000 / CANDLE_INTERVALS[interval].seconds);
  if (buckets > MAX_CANDLES) {
    throw new AppError('BAD_USER_INPUT', `At most ${MAX_CANDLES} candles per request; use a wider interval or a shorter range`, { field: 'interval' });
  }
}
