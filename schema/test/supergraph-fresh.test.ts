import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { composeFromConfig } from '../src/compose.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('the committed supergraph', () => {
  it('composes without errors and equals a fresh composition (run npm run schema:compose when this fails)', () => {
    const outcome = composeFromConfig(`${root}supergraph.yaml`);
    expect(outcome.errors).toEqual([]);
    expect(readFileSync(`${root}schema/supergraph.graphql`, 'utf8')).toBe(outcome.supergraphSdl);
  });
});
