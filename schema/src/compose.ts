import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { composition, graphql } from './graphql-runtime.ts';

const configSchema = z.object({
  federation_version: z.string(),
  subgraphs: z.record(z.string(), z.object({ routing_url: z.string().url(), schema: z.object({ file: z.string() }) })),
});

export interface ComposeOutcome {
  supergraphSdl: string | null;
  errors: string[];
  hints: string[];
}

/** One subgraph as supergraph.yaml names it, with its SDL read from disk. */
export interface SubgraphSource {
  name: string;
  url: string;
  /** The schema file as written in supergraph.yaml, relative to it. */
  file: string;
  sdl: string;
}

/** Reads supergraph.yaml (rover's format) and the SDL text of every subgraph it names. */
export function readSubgraphSources(configPath: string): SubgraphSource[] {
  const config = configSchema.parse(parseYaml(readFileSync(configPath, 'utf8')));
  const base = dirname(configPath);
  return Object.entries(config.subgraphs).map(([name, subgraph]) => ({
    name,
    url: subgraph.routing_url,
    file: subgraph.schema.file,
    sdl: readFileSync(resolve(base, subgraph.schema.file), 'utf8'),
  }));
}

/** Reads supergraph.yaml (rover's format) and the subgraph SDL files it names, parsed. */
export function readSupergraphConfig(configPath: string) {
  return readSubgraphSources(configPath).map(({ name, url, sdl }) => ({ name, url, typeDefs: graphql.parse(sdl) }));
}

/** Composes subgraphs given as SDL strings; a subgraph that does not parse is a composition error. */
export function composeSubgraphs(subgraphs: readonly Pick<SubgraphSource, 'name' | 'url' | 'sdl'>[]): ComposeOutcome {
  const services = [];
  const errors: string[] = [];
  for (const { name, url, sdl } of subgraphs) {
    try {
      services.push({ name, url, typeDefs: graphql.parse(sdl) });
    } catch (error) {
      errors.push(`[${name}] ${(error as Error).message}`);
    }
  }
  if (errors.length > 0) return { supergraphSdl: null, errors, hints: [] };
  const result = composition.composeServices(services);
  const hints = (result.hints ?? []).map((hint) => hint.toString());
  if (result.errors) return { supergraphSdl: null, errors: result.errors.map((e) => e.message), hints };
  return { supergraphSdl: `${result.supergraphSdl.trimEnd()}\n`, errors: [], hints };
}

/** Composes the subgraphs named in supergraph.yaml; no I/O beyond reading the files. */
export function composeFromConfig(configPath: string): ComposeOutcome {
  return composeSubgraphs(readSubgraphSources(configPath));
}
