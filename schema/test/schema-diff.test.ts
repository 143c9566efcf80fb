import { describe, expect, it } from 'vitest';
import { EXIT } from '../src/check.ts';
import { formatMarkdown, formatText } from '../src/report.ts';
import { catalogueSdl, checkCatalogue, edit } from './fixture.ts';

const summary = (result: Awaited<ReturnType<typeof checkCatalogue>>) => ({
  exitCode: result.exitCode,
  changes: result.changes?.map((c) => `${c.severity} ${c.path}`),
  broken: result.brokenOperations.map((o) => `${o.file}:${o.name} ${o.breakingChanges.map((c) => c.path).join(',')}`),
  warnings: result.unusedBreakingChanges.map((c) => c.path),
});

const onlyProductPage = `query ProductPage($id: ID!) {\n  product(id: $id) {\n    id\n    name\n    stock\n  }\n}\n`;

describe('schema check against the committed baseline', () => {
  it('passes an unchanged schema with no changes', async () => {
    expect(summary(await checkCatalogue(catalogueSdl))).toEqual({ exitCode: EXIT.OK, changes: [], broken: [], warnings: [] });
  });

  it('fails a removed field that a recorded operation selects, naming the operation and the field', async () => {
    const result = await checkCatalogue(edit('  "Display name."\n  name: String!\n', ''));
    expect(summary(result)).toEqual({
      exitCode: EXIT.BROKEN_OPERATION,
      changes: ['BREAKING Product.name'],
      broken: ['operations.graphql:ProductPage Product.name', 'operations.graphql:Search Product.name'],
      warnings: [],
    });
    expect(formatText(result)).toContain("FAIL operations.graphql:ProductPage uses Product.name: Field 'name' was removed from object type 'Product'");
  });

  it('only warns about a removed field that no recorded operation uses', async () => {
    const result = await checkCatalogue(edit('  "Legacy stock-keeping unit; no client reads it any more."\n  sku: String\n', ''));
    expect(summary(result)).toEqual({ exitCode: EXIT.OK, changes: ['BREAKING Product.sku'], broken: [], warnings: ['Product.sku'] });
    expect(formatText(result)).toContain('WARN Product.sku');
  });

  it('fails a field whose type changed, though the operation still validates', async () => {
    const result = await checkCatalogue(edit('priceCents: Int!', 'priceCents: String!'));
    expect(summary(result)).toEqual({
      exitCode: EXIT.BROKEN_OPERATION,
      changes: ['BREAKING Product.priceCents'],
      broken: ['operations.graphql:ProductPage Product.priceCents'],
      warnings: [],
    });
    expect(result.brokenOperations[0]?.errors).toEqual([]);
  });

  it('fails an argument made non-null when an operation passes a nullable variable', async () => {
    const result = await checkCatalogue(edit('search(text: String,', 'search(text: String!,'));
    expect(summary(result)).toEqual({
      exitCode: EXIT.BROKEN_OPERATION,
      changes: ['BREAKING Query.search.text'],
      broken: ['operations.graphql:Search Query.search.text'],
      warnings: [],
    });
    expect(result.brokenOperations[0]?.errors).toEqual(['Variable "$text" of type "String" used in position expecting type "String!".']);
  });

  it('passes an argument made non-null when every operation already sends a non-null value', async () => {
    const operations = 'query Search($text: String!) {\n  search(text: $text) {\n    id\n  }\n}\n';
    const result = await checkCatalogue(edit('search(text: String,', 'search(text: String!,'), { operations });
    expect(summary(result)).toEqual({ exitCode: EXIT.OK, changes: ['BREAKING Query.search.text'], broken: [], warnings: ['Query.search.text'] });
  });

  it('fails an enum value removed from an enum that an operation can send', async () => {
    const result = await checkCatalogue(edit('  "Ships once restocked."\n  BACKORDER\n', ''));
    expect(summary(result)).toEqual({
      exitCode: EXIT.BROKEN_OPERATION,
      changes: ['BREAKING StockState.BACKORDER'],
      broken: ['operations.graphql:Search StockState.BACKORDER'],
      warnings: [],
    });
  });

  it('only warns about an enum value removed when the operations only read that enum', async () => {
    const result = await checkCatalogue(edit('  "Ships once restocked."\n  BACKORDER\n', ''), { operations: onlyProductPage });
    expect(summary(result)).toEqual({ exitCode: EXIT.OK, changes: ['BREAKING StockState.BACKORDER'], broken: [], warnings: ['StockState.BACKORDER'] });
  });

  it('classifies an added type and the field that reaches it as safe', async () => {
    const added = '  "What shoppers said."\n  reviews: [Review!]!\n}\n\n"One shopper\'s verdict."\ntype Review {\n  "Stars, one to five."\n  stars: Int!\n}\n';
    const result = await checkCatalogue(edit('  stock: StockState!\n}\n', `  stock: StockState!\n${added}`));
    // graphql-inspector reports a new field's description as a change of its own.
    expect(result.exitCode).toBe(EXIT.OK);
    expect(new Set(summary(result).changes)).toEqual(new Set(['SAFE Review', 'SAFE Review.stars', 'SAFE Product.reviews']));
    expect(result.unusedBreakingChanges).toEqual([]);
  });

  it('classifies a changed description as safe', async () => {
    const result = await checkCatalogue(edit('"Display name."', '"Name shown to shoppers."'));
    expect(summary(result)).toEqual({ exitCode: EXIT.OK, changes: ['SAFE Product.name'], broken: [], warnings: [] });
  });

  it('fails a served operation that turns invalid, and notes without failing one that no schema serves yet', async () => {
    const operations = `${onlyProductPage}\nquery Reviews {\n  reviews {\n    stars\n  }\n}\n`;
    const result = await checkCatalogue(catalogueSdl, { operations });
    expect(result.exitCode).toBe(EXIT.OK);
    expect(result.unservedOperations.map((o) => o.name)).toEqual(['Reviews']);
    expect(formatText(result)).toContain('not served yet: operations.graphql:Reviews');
    expect((await checkCatalogue(catalogueSdl, { operations, strict: true })).exitCode).toBe(EXIT.BROKEN_OPERATION);
  });

  it('exits 2 when the subgraphs do not compose, and skips the diff', async () => {
    const rival =
      'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])\n\ntype Query {\n  "Clash."\n  product(id: ID!): Int\n}\n';
    const result = await checkCatalogue(catalogueSdl, { extra: [{ name: 'rival', url: 'http://127.0.0.1:9998/graphql', sdl: rival }] });
    expect(result.exitCode).toBe(EXIT.COMPOSITION);
    expect(result.composition.errors.length).toBeGreaterThan(0);
    expect(result.changes).toBeNull();
    expect(formatText(result)).toContain('3. diff: skipped');
  });

  it('writes a markdown report with a table naming the broken operation and the field', async () => {
    const result = await checkCatalogue(edit('  "Display name."\n  name: String!\n', ''));
    const markdown = formatMarkdown(result);
    expect(markdown).toMatch(/^## ❌ Schema check failed: a recorded operation breaks/);
    expect(markdown).toContain('### 3. Changes');
    expect(markdown).toContain('| BREAKING | `Product.name` |');
    expect(markdown).toContain('### 4. Recorded operations');
    expect(markdown).toContain('| Operation | Coordinate | Problem |');
    expect(markdown).toContain("| ❌ `operations.graphql:ProductPage` | `Product.name` | Field 'name' was removed from object type 'Product' |");
  });

  it('writes a passing markdown report with the warnings listed', async () => {
    const markdown = formatMarkdown(await checkCatalogue(edit('  "Legacy stock-keeping unit; no client reads it any more."\n  sku: String\n', '')));
    expect(markdown).toMatch(/^## ✅ Schema check passed/);
    expect(markdown).toContain('#### ⚠️ Warnings: breaking changes no recorded operation uses');
    expect(markdown).toContain('- `Product.sku`:');
  });
});
