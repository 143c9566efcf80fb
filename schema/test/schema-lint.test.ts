import { describe, expect, it } from 'vitest';
import { EXIT } from '../src/check.ts';
import { lintSubgraphSdl } from '../src/lint.ts';
import { formatMarkdown } from '../src/report.ts';
import { catalogueSdl, checkCatalogue, edit } from './fixture.ts';

const findings = (sdl: string) => lintSubgraphSdl('catalogue', sdl).map((f) => `${f.rule} ${f.coordinate}`);

describe('subgraph lint', () => {
  it('finds nothing wrong with a documented, well-named subgraph', () => {
    expect(findings(catalogueSdl)).toEqual([]);
  });

  it('catches a type, a field, an enum value and an input field without a description', () => {
    let sdl = edit('"A product in the catalogue."\n', '');
    sdl = edit('  "Price in cents."\n', '', sdl);
    sdl = edit('  "Gone for good."\n', '', sdl);
    sdl = edit('  "Only products in one of these stock states."\n', '', sdl);
    expect(findings(sdl)).toEqual([
      'description Product',
      'description Product.priceCents',
      'description StockState.DISCONTINUED',
      'description ProductFilter.stock',
    ]);
  });

  it('catches names against the conventions', () => {
    let sdl = edit('type Product @key', 'type product_item @key');
    sdl = sdl.replaceAll('Product!', 'product_item!').replace('): Product\n', '): product_item\n');
    sdl = edit('  priceCents: Int!', '  PriceCents: Int!', sdl);
    sdl = edit('  IN_STOCK', '  inStock', sdl);
    sdl = edit('search(text: String,', 'search(Text: String,', sdl);
    expect(findings(sdl)).toEqual(['naming product_item', 'naming product_item.PriceCents', 'naming StockState.inStock', 'naming Query.search(Text:)']);
  });

  it('catches a deprecation without a reason and accepts one with a reason', () => {
    const sdl = edit('  sku: String\n', '  sku: String @deprecated\n');
    expect(findings(sdl)).toEqual(['deprecation-reason Product.sku']);
    expect(findings(edit('  sku: String\n', '  sku: String @deprecated(reason: "Use id.")\n'))).toEqual([]);
  });

  it('exempts @external fields, root types and federation declarations from descriptions', () => {
    const sdl = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@external", "@requires"])
"A product, priced here."
type Product @key(fields: "id") {
  "Stable identifier."
  id: ID!
  weight: Float @external
  "Shipping cost, from the weight."
  shipping: Int @requires(fields: "weight")
}
type Query {
  "Federation needs one root field."
  ping: Boolean
}
`;
    expect(findings(sdl)).toEqual([]);
  });

  it('fails the check with exit 3 and lists the findings in the report', async () => {
    const result = await checkCatalogue(edit('  sku: String\n', '  sku: String @deprecated\n'));
    expect(result.exitCode).toBe(EXIT.LINT);
    expect(formatMarkdown(result)).toContain('| catalogue:12 | `Product.sku` | deprecation-reason |');
  });
});
