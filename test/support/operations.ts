import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Kind, parse, print, type OperationDefinitionNode } from 'graphql';

const folder = fileURLToPath(new URL('../../schema/operations/', import.meta.url));

const definitions = new Map<string, OperationDefinitionNode>();
for (const file of readdirSync(folder).filter((name) => name.endsWith('.graphql'))) {
  for (const definition of parse(readFileSync(folder + file, 'utf8')).definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION && definition.name) definitions.set(definition.name.value, definition);
  }
}

/** The exact document of a recorded contract operation, by name. */
export function operation(name: string): string {
  const definition = definitions.get(name);
  if (!definition) throw new Error(`no recorded operation named ${name}`);
  return print(definition);
}
