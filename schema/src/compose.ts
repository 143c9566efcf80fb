import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const configSchema = z.object({
  federation_version: z.string(),
  subgraphs: z.record(z.string(), z.object({ routing_url: z.string().url(), schema: z.object({ file: z.string() }) })),
});

export interface ComposeOutcome {
  supergraphSdl: string | null;
  errors: string[];
  hints: string[];
}

/** Reads supergraph.yaml (rover's format) and the subgraph SDL files it names. */
export function readSupergraphConfig(configPath: string) {
  const config = configSchema.parse(parseYaml(readFileSync(configPath, 'utf8')));
  const base = dirname(configPath);
  return Object.entries(config.subgraphs).map(([name, subgraph]) => ({
    name,
    url: subgraph.routing_url,
    typeDefs: parse(readFileSync(resolve(base, subgraph.schema.file), 'utf8')),
  }));
}

/** Composes the subgraphs named in supergraph.yaml; no I/O beyond reading the files. */
export function composeFromConfig(configPath: string): ComposeOutcome {
  const result = composeServices(readSupergraphConfig(configPath));
  const hints = (result.hints ?? []).map((hint) => hint.toString());
  if (result.errors) return { supergraphSdl: null, errors: result.errors.map((e) => e.message), hints };
  return { supergraphSdl: `${result.supergraphSdl.trimEnd()}\n`, errors: [], hints };
}
