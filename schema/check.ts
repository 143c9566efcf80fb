// npm run schema:check — the schema-registry checks, in order:
//   1. compose the subgraphs named in supergraph.yaml (errors fail, hints inform);
//   2. lint every subgraph SDL (descriptions, naming, deprecation reasons);
//   3. diff the new API schema against schema/supergraph.graphql (or --base FILE) with
//      @graphql-inspector/core, classifying each change BREAKING, DANGEROUS or SAFE;
//   4. validate schema/operations/*.graphql against the new API schema.
// Exit codes:
//   0  ok; warnings (breaking changes no recorded operation uses, dangerous changes, hints) may remain
//   1  a breaking change breaks a recorded operation, or a recorded operation is invalid
//   2  the subgraphs do not compose
//   3  a subgraph schema breaks a lint rule
//   4  usage error: bad arguments, or a missing or invalid input file
// When several fail, the lower step wins: 4, then 2, 3, 1. See schema/README.md.
import { fileURLToPath } from 'node:url';
import { main } from './src/cli.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
process.exitCode = await main(process.argv.slice(2), root);
