import { readFileSync } from 'node:fs';
import { JSONObjectResolver } from 'graphql-scalars';
import { createSubgraphServer, DateTimeScalar, DecimalScalar, type Logger, type SubgraphServer } from '@nexanest/graphql';
import type { AnalyticsContext } from './context.ts';
import { PersonalData } from './resolvers/personal-data.ts';
import { Portfolio } from './resolvers/portfolio.ts';
import { PortfolioPerformance } from './resolvers/portfolio-performance.ts';
import { RiskMetrics } from './resolvers/risk-metrics.ts';

export const analyticsTypeDefs = () => readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8');

/** Pure factory: schema and Apollo Server for the analytics subgraph. */
export function createAnalyticsServer(options: { logger: Logger; production: boolean }): SubgraphServer<AnalyticsContext> {
  return createSubgraphServer<AnalyticsContext>(
    {
      name: 'analytics',
      typeDefs: analyticsTypeDefs(),
      resolvers: {
        DateTime: DateTimeScalar,
        Decimal: DecimalScalar,
        JSONObject: JSONObjectResolver,
        Portfolio,
        PortfolioPerformance,
        RiskMetrics,
        PersonalData,
      } as never,
    },
    options,
  );
}
