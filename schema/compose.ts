// npm run schema:compose — writes schema/supergraph.graphql from supergraph.yaml.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { composeFromConfig } from './src/compose.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const outcome = composeFromConfig(`${root}supergraph.yaml`);
for (const hint of outcome.hints) console.warn(`hint: ${hint}`);
if (!outcome.supergraphSdl) {
  for (const error of outcome.errors) console.error(`error: ${error}`);
  process.exit(1);
}
writeFileSync(`${root}schema/supergraph.graphql`, outcome.supergraphSdl);
console.log('wrote schema/supergraph.graphql');
