import { readFileSync } from 'node:fs';
import { runSchemaCheck, type SchemaCheckInput } from '../src/check.ts';
import { composeSubgraphs } from '../src/compose.ts';

const dir = new URL('./fixtures/catalogue/', import.meta.url);
const read = (file: string) => readFileSync(new URL(file, dir), 'utf8');

/** The fixture subgraph as the baseline knows it. */
export const catalogueSdl = read('schema.graphql');
export const catalogueOperations = read('operations.graphql');
const url = 'http://127.0.0.1:9999/graphql';
const baselineSdl = composeSubgraphs([{ name: 'catalogue', url, sdl: catalogueSdl }]).supergraphSdl!;

/** Checks a new version of the catalogue subgraph against the fixture baseline and operations. */
export function checkCatalogue(newSdl: string, options: { operations?: string; strict?: boolean; extra?: SchemaCheckInput['subgraphs'] } = {}) {
  return runSchemaCheck({
    subgraphs: [{ name: 'catalogue', url, sdl: newSdl }, ...(options.extra ?? [])],
    baselineSdl,
    baselineName: 'fixtures/catalogue',
    operationFiles: [{ file: 'operations.graphql', source: options.operations ?? catalogueOperations }],
    strict: options.strict,
  });
}

/** The fixture subgraph with one edit; fails loudly when the edit does not apply. */
export function edit(from: string, to: string, sdl = catalogueSdl): string {
  if (!sdl.includes(from)) throw new Error(`fixture edit: ${JSON.stringify(from)} not found`);
  return sdl.replace(from, to);
}
