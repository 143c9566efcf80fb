import { readFileSync } from 'node:fs';
import { operationFromDocument, Supergraph } from '@apollo/federation-internals';
import { QueryPlanner } from '@apollo/query-planner';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createCachePolicy } from '../src/entity-cache/policy.ts';

/**
 * Which planned fetches the entity cache may answer, read from the cache hints of the committed
 * supergraph (Instrument 3600 s, Price 2 s), on the fetches the gateway's own planner writes.
 */
const supergraphSdl = readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8');
const supergraph = Supergraph.build(supergraphSdl);
const planner = new QueryPlanner(supergraph);
const policy = createCachePolicy(supergraphSdl);

/** The fetches the planner writes for an operation, as `subgraph: query`. */
function plannedFetches(source: string): { service: string; query: string }[] {
  const plan = planner.buildQueryPlan(operationFromDocument(supergraph.apiSchema(), parse(source)));
  const fetches: { service: string; query: string }[] = [];
  JSON.stringify(plan.node, (_key, value) => {
    if (value?.kind === 'Fetch') fetches.push({ service: value.serviceName, query: value.operation });
    return value;
  });
  return fetches;
}

const entities = (selection: string) => `query F($representations:[_Any!]!){_entities(representations:$representations){${selection}}}`;

describe('the entity cache policy', () => {
  it("caches Dashboard's instrument fetch for the smallest hint it meets (Price's 2 s), and none of its private fetches", () => {
    const dashboard = readFileSync(new URL('../../schema/operations/portfolio.graphql', import.meta.url), 'utf8').match(/query Dashboard \{[\s\S]*?\n\}/)?.[0];
    const fetches = plannedFetches(dashboard as string);
    const instrument = fetches.find((f) => f.query.includes('on Instrument'));
    expect(instrument?.service).toBe('market');
    expect(policy.maxAgeFor(instrument?.query as string)).toBe(2);
    const others = fetches.filter((f) => f !== instrument);
    expect(others.some((f) => f.query.includes('on Holding'))).toBe(true);
    expect(others.some((f) => f.query.includes('on Portfolio'))).toBe(true);
    for (const fetch of others) expect(policy.maxAgeFor(fetch.query)).toBe(0);
  });

  it("caches an instrument's reference data for the Instrument hint alone", () => {
    expect(policy.maxAgeFor(entities('...on Instrument{__typename name currency sector assetClass}'))).toBe(3600);
  });

  it('does not cache a fetch that reaches a type without a hint: holdings, portfolios, candles, a user', () => {
    expect(policy.maxAgeFor(entities('...on Holding{marketValue{amount currency}}'))).toBe(0);
    expect(policy.maxAgeFor(entities('...on Portfolio{totalValue{amount currency}}'))).toBe(0);
    expect(policy.maxAgeFor(entities('...on Instrument{name candles(interval:ONE_DAY,from:"a",to:"b"){close}}'))).toBe(0);
    expect(policy.maxAgeFor(entities('...on Instrument{myHoldings{id quantity}}'))).toBe(0);
    expect(policy.maxAgeFor(entities('...on Instrument{name} ...on Holding{id}'))).toBe(0);
  });

  it('does not cache a mutation, a root field or something that is not GraphQL', () => {
    expect(policy.maxAgeFor('mutation M($representations:[_Any!]!){_entities(representations:$representations){...on Instrument{name}}}')).toBe(0);
    expect(policy.maxAgeFor('{instrument(symbol:"AAPL"){name latestPrice{price}}}')).toBe(0);
    expect(policy.maxAgeFor('{_entities(representations:[]){...on Instrument{name}} instrument(symbol:"A"){name}}')).toBe(0);
    expect(policy.maxAgeFor('query {')).toBe(0);
  });

  it('reads a hint through a named fragment like an inline one', () => {
    const query = `${entities('...I')} fragment I on Instrument{name latestPrice{price}}`;
    expect(policy.maxAgeFor(query)).toBe(2);
  });
});
