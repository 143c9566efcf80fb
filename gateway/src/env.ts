import { z } from 'zod';
import { baseEnvSchema, loadEnv, port, productionGuard } from '@nexanest/config';

const optionalUrl = z.string().url().optional();

/** The gateway's settings. Subgraph URLs override the routing URLs of the committed supergraph. */
export const gatewayEnvSchema = baseEnvSchema
  .extend({
    GATEWAY_PORT: port(8000),
    /** Path of the composed supergraph; the gateway never introspects subgraphs. */
    SUPERGRAPH_PATH: z.string().optional(),
    AUTH_SUBGRAPH_URL: optionalUrl,
    PORTFOLIO_SUBGRAPH_URL: optionalUrl,
    MARKET_SUBGRAPH_URL: optionalUrl,
    ANALYTICS_SUBGRAPH_URL: optionalUrl,
    NOTIFICATIONS_SUBGRAPH_URL: optionalUrl,
    /** A subgraph that has not answered in this time fails its part of the request. */
    UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    /** Largest request body accepted, in bytes. */
    MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1_000_000),
  })
  .superRefine(productionGuard());

export type GatewayEnv = z.infer<typeof gatewayEnvSchema>;

export const loadGatewayEnv = (source: NodeJS.ProcessEnv = process.env) => loadEnv(gatewayEnvSchema, source);

/** Routing URL overrides by subgraph name, from the environment. */
export function subgraphUrlOverrides(env: GatewayEnv): Record<string, string> {
  const entries = {
    auth: env.AUTH_SUBGRAPH_URL,
    portfolio: env.PORTFOLIO_SUBGRAPH_URL,
    market: env.MARKET_SUBGRAPH_URL,
    analytics: env.ANALYTICS_SUBGRAPH_URL,
    notifications: env.NOTIFICATIONS_SUBGRAPH_URL,
  };
  return Object.fromEntries(Object.entries(entries).filter((entry): entry is [string, string] => Boolean(entry[1])));
}
