import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Supergraph } from '@apollo/federation-internals';

/** The committed supergraph, composed by `npm run schema:compose`. */
export const DEFAULT_SUPERGRAPH_PATH = fileURLToPath(new URL('../../schema/supergraph.graphql', import.meta.url));

export const readSupergraph = (path = DEFAULT_SUPERGRAPH_PATH) => readFileSync(path, 'utf8');

/** Routing URLs recorded in the supergraph, by subgraph name. */
export function routingUrls(supergraphSdl: string): Record<string, string> {
  const supergraph = Supergraph.build(supergraphSdl);
  return Object.fromEntries(
    supergraph
      .subgraphs()
      .values()
      .map((subgraph) => [subgraph.name, subgraph.url]),
  );
}
