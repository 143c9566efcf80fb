import type { Identity } from '@nexanest/graphql';
import type { Sql } from '@nexanest/db';
import { createLoaders, type Loaders } from './loaders.ts';

export interface AnalyticsDeps {
  /** postgres.js client of the time-series database (schema analytics_ts). */
  timescaleSql: Sql;
}

export interface AnalyticsContext {
  identity: Identity | null;
  deps: AnalyticsDeps;
  loaders: Loaders;
}

export const createAnalyticsContext =
  (deps: AnalyticsDeps) =>
  (identity: Identity | null): AnalyticsContext => ({ identity, deps, loaders: createLoaders(deps.timescaleSql, identity?.userId ?? null) });
