import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lintCacheHints } from '../src/cache-hints.ts';

const market = `
type Instrument @key(fields: "symbol") @cacheControl(maxAge: 3600) {
  symbol: ID!
  name: String!
}`;
const portfolio = (extra: string) => `
type Holding @key(fields: "id") {
  id: ID!
}
type Instrument @key(fields: "symbol") {
  symbol: ID!
  myHoldings: [Holding!]!
${extra}
}`;
const lint = (extra: string) =>
  lintCacheHints([
    { name: 'market', sdl: market },
    { name: 'portfolio', sdl: portfolio(extra) },
  ]).map((f) => `${f.subgraph} ${f.rule} ${f.coordinate}`);

describe('cache hints across subgraphs', () => {
  it("catches a scalar another subgraph adds to a hinted type, which would inherit the type's hint", () => {
    expect(lint('  myQuantity: String')).toEqual(['portfolio cache-hint Instrument.myQuantity']);
    expect(lint('  myRating: Rating\n}\nenum Rating {\n  HIGH')).toEqual(['portfolio cache-hint Instrument.myRating']);
  });

  it('accepts that field with a hint of its own, and exempts keys, @external fields and fields of object types', () => {
    expect(lint('  myQuantity: String @cacheControl(maxAge: 0)')).toEqual([]);
    expect(lint('  name: String! @external')).toEqual([]);
    expect(lint('')).toEqual([]);
  });

  it("finds nothing in this repository's subgraphs", () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const names = ['auth', 'portfolio', 'market', 'analytics', 'notifications'];
    const subgraphs = names.map((name) => ({ name, sdl: readFileSync(`${root}subgraphs/${name}/schema.graphql`, 'utf8') }));
    expect(subgraphs.some((s) => s.sdl.includes('@cacheControl('))).toBe(true);
    expect(lintCacheHints(subgraphs)).toEqual([]);
  });
});
