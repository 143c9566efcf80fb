import { readFileSync } from 'node:fs';
import { createSubgraphServer, type SubgraphDefinition, type SubgraphServer } from '@nexanest/graphql';
import type { MarketContext, MarketDeps } from './context.ts';
import { resolvers } from './resolvers/index.ts';

const SCHEMA_FILE = new URL('../schema.graphql', import.meta.url);

let typeDefs: string | undefined;

/** The SDL, read once on first use (not at import). */
export const marketTypeDefs = () => (typeDefs ??= readFileSync(SCHEMA_FILE, 'utf8'));

/** Pure factory: schema, resolvers and Apollo Server; `listen` (in start.ts) serves it. */
export function createMarketServer(deps: MarketDeps): SubgraphServer<MarketContext> {
  return createSubgraphServer<MarketContext>(
    { name: 'market', typeDefs: marketTypeDefs(), resolvers: resolvers as unknown as SubgraphDefinition<MarketContext>['resolvers'] },
    { logger: deps.logger, production: deps.production },
  );
}
