import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canonicalJson, createEntityCache } from '../src/entity-cache/cache.ts';
import { createCachePolicy } from '../src/entity-cache/policy.ts';
import type { FetchResult, PlannedFetch } from '../src/fetch-batching.ts';

/**
 * The entity cache's bookkeeping on its own, with a clock the test moves: what reaches `send` (the
 * data source's path to the subgraph) and what comes back. The end-to-end behaviour against the
 * real market subgraph is in test/e2e/entity-cache.test.ts.
 */
const policy = createCachePolicy(readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8'));
const QUERY = 'query Q($representations:[_Any!]!){_entities(representations:$representations){...on Instrument{name latestPrice{price}}}}';
const rep = (symbol: string) => ({ __typename: 'Instrument', symbol });
const entity = (symbol: string, price: string) => ({ name: `${symbol} Inc.`, latestPrice: { price } });

function setUp() {
  let clock = 1_000;
  const cache = createEntityCache({ policy, now: () => clock });
  const sent: unknown[][] = [];
  let price = '100';
  let answer = (representations: { symbol: string }[]): FetchResult => ({ data: { _entities: representations.map((r) => entity(r.symbol, price)) } });
  const send = async (fetch: PlannedFetch) => {
    const representations = fetch.variables?.representations as { symbol: string }[];
    sent.push(representations.map((r) => r.symbol));
    return answer(representations);
  };
  const fetch = (symbols: string[], variables: Record<string, unknown> = {}) =>
    cache.fetch('market', { query: QUERY, variables: { ...variables, representations: symbols.map(rep) } }, cache.maxAgeFor(QUERY), send);
  return {
    cache,
    sent,
    fetch,
    advance: (ms: number) => {
      clock += ms;
    },
    setPrice: (next: string) => {
      price = next;
    },
    answerWith: (next: typeof answer) => {
      answer = next;
    },
  };
}

describe('the entity cache', () => {
  it('sends each distinct representation once, then answers them from memory in the planned order', async () => {
    const { sent, fetch } = setUp();
    const first = await fetch(['AAPL', 'MSFT', 'AAPL']);
    expect(first.data?._entities).toEqual([entity('AAPL', '100'), entity('MSFT', '100'), entity('AAPL', '100')]);
    const second = await fetch(['MSFT', 'SPY', 'AAPL']);
    expect(second.data?._entities).toEqual([entity('MSFT', '100'), entity('SPY', '100'), entity('AAPL', '100')]);
    expect(await fetch(['SPY', 'AAPL', 'MSFT'])).toEqual({ data: { _entities: [entity('SPY', '100'), entity('AAPL', '100'), entity('MSFT', '100')] } });
    expect(sent).toEqual([['AAPL', 'MSFT'], ['SPY']]);
  });

  it("serves a new price once the fetch's maxAge (Price's 2 s) has passed, and not before", async () => {
    const { sent, fetch, advance, setPrice } = setUp();
    await fetch(['AAPL']);
    setPrice('101');
    advance(1_999);
    expect((await fetch(['AAPL'])).data?._entities).toEqual([entity('AAPL', '100')]);
    advance(2);
    expect((await fetch(['AAPL'])).data?._entities).toEqual([entity('AAPL', '101')]);
    expect(sent).toEqual([['AAPL'], ['AAPL']]);
  });

  it('keeps nothing from an answer with errors, and moves their paths to the planned positions', async () => {
    const { sent, fetch, answerWith } = setUp();
    await fetch(['AAPL']);
    answerWith(() => ({ data: { _entities: [entity('MSFT', '100'), null] }, errors: [{ message: 'no such instrument', path: ['_entities', 1, 'name'] }] }));
    const answer = await fetch(['AAPL', 'MSFT', 'NOPE', 'NOPE']);
    expect(answer.data?._entities).toEqual([entity('AAPL', '100'), entity('MSFT', '100'), null, null]);
    expect(answer.errors).toEqual([
      { message: 'no such instrument', path: ['_entities', 2, 'name'] },
      { message: 'no such instrument', path: ['_entities', 3, 'name'] },
    ]);
    answerWith((representations) => ({ data: { _entities: representations.map((r) => entity(r.symbol, '100')) } }));
    await fetch(['MSFT']);
    expect(sent).toEqual([['AAPL'], ['MSFT', 'NOPE'], ['MSFT']]);
  });

  it("keys entities by the fetch's other variables too, and hands out copies nobody can change", async () => {
    const { sent, fetch } = setUp();
    const change = (answer: FetchResult) => {
      const first = (answer.data?._entities as { name: string }[] | undefined)?.[0];
      if (first) first.name = 'changed by a caller';
    };
    change(await fetch(['AAPL'], { day: '2026-12-01' }));
    change(await fetch(['AAPL'], { day: '2026-12-01' }));
    await fetch(['AAPL'], { day: '2026-12-02' });
    expect((await fetch(['AAPL'], { day: '2026-12-01' })).data?._entities).toEqual([entity('AAPL', '100')]);
    expect(sent).toEqual([['AAPL'], ['AAPL']]);
  });

  it('writes equal representations the same whatever their key order', () => {
    expect(canonicalJson({ symbol: 'AAPL', __typename: 'Instrument', nested: { b: [1, { d: 2, c: 3 }], a: null } })).toBe(
      canonicalJson({ nested: { a: null, b: [1, { c: 3, d: 2 }] }, __typename: 'Instrument', symbol: 'AAPL' }),
    );
  });
});
