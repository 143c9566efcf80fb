import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Sql } from '@nexanest/db';
import { createTestDatabase, type TestDatabase } from '@nexanest/testing';
import {
  COMMAND_SYMBOLS,
  COMMAND_TYPES,
  differences,
  recomputeInSql,
  replayInTypeScript,
  type LedgerCommand,
} from '../../infrastructure/bench/ledger-check/ledger-replay.ts';

/**
 * The portfolio subgraph's ledger arithmetic (decimal.js, subgraphs/portfolio/src/domain) against
 * PostgreSQL NUMERIC recomputing cash and average-cost positions from the raw inputs. Scaled up
 * by `npm run check:ledger -- 100000`.
 */
const SEED = 90_210;
const RUNS = 4;
const PER_RUN = 500;

const command: fc.Arbitrary<LedgerCommand> = fc.record({
  type: fc.nat({ max: COMMAND_TYPES - 1 }),
  symbol: fc.nat({ max: COMMAND_SYMBOLS - 1 }),
  n1: fc.nat(),
  n2: fc.nat(),
  n3: fc.nat(),
  n4: fc.nat(),
});

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase('ledger');
});
afterAll(async () => {
  await database?.drop();
});

/** Each run gets its own schema, so runs (and shrinking) never see each other's rows. */
async function inFreshSchema<T>(run: number, work: (sql: Sql) => Promise<T>): Promise<T> {
  const pool = createPool({ url: database.url, max: 1, applicationName: 'ledger-recompute' });
  try {
    await pool.sql.unsafe(`create schema run_${run}; set search_path = run_${run}`);
    return await work(pool.sql);
  } finally {
    await pool.close();
  }
}

describe('ledger arithmetic, TypeScript against SQL NUMERIC', () => {
  it(`agrees exactly on cash and holdings over ${RUNS} x ${PER_RUN} random transactions`, async () => {
    let run = 0;
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: PER_RUN, maxLength: PER_RUN }), async (commands) => {
        const ts = replayInTypeScript(commands);
        accepted += ts.accepted.length;
        const sqlState = await inFreshSchema(run++, (sql) => recomputeInSql(sql, ts.accepted));
        expect(differences(ts, sqlState)).toEqual([]);
        // The replay exercised every kind of entry, refusals included.
        expect(new Set(ts.accepted.map((entry) => entry.type)).size).toBe(8);
        expect(ts.refused).toBeGreaterThan(0);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    expect(accepted).toBeGreaterThan(RUNS * PER_RUN * 0.7);
  });
});
