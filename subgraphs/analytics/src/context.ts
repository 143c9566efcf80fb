import type { Identity, MarketClient } from '@nexanest/graphql';
import type { Sql } from '@nexanest/db';
import { createLoaders, type Loaders } from './loaders.ts';

export interface AnalyticsDeps {
  /** postgres.js client of the time-series database (schema analytics_ts). */
  timescaleSql: Sql;
  /** The market subgraph over HTTP: benchmark closes and FX. */
  market: MarketClient;
  /** Annual risk-free rate for the Sharpe ratio, a fraction (ANALYTICS_RISK_FREE_RATE). */
  riskFreeRate: number;
  /** The clock; tests pin it. Every range of one request ends at the same instant. */
  now?: () => Date;
}

export interface AnalyticsContext {
  identity: Identity | null;
  deps: AnalyticsDeps;
  /** When this request started: the end of every performance window it measures. */
  now: Date;
  loaders: Loaders;
}

export const createAnalyticsContext =
  (deps: AnalyticsDeps) =>
  (identity: Identity | null): AnalyticsContext => {
    const now = deps.now?.() ?? new Date();
    return { identity, deps, now, loaders: createLoaders({ sql: deps.timescaleSql, market: deps.market, now }) };
  };
