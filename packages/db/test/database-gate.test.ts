import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrivatePostgres, startPrivatePostgres } from '../../../test/support/private-postgres.ts';
import { createPool, createRequestScope, DATABASE_DOWN, isDatabaseUnavailable, type Pool, statementCounter } from '../src/index.ts';

/**
 * The pool's gate against a PostgreSQL server of the test's own that crashes and comes back. The
 * gate's clock is the test's: no probe goes through unless the test moves it on.
 */
let server: PrivatePostgres;
let pool: Pool;
let clock = 1_000_000;
const PROBE_MS = 250;
const APP = 'database-gate-test';

const failure = (work: Promise<unknown>) =>
  work.then(
    () => null,
    (error: unknown) => error as { code?: string },
  );

beforeAll(async () => {
  server = await startPrivatePostgres();
  pool = createPool({ url: server.url, max: 2, applicationName: APP, gate: { probeIntervalMs: PROBE_MS, now: () => clock } });
});
afterAll(async () => {
  await pool?.close();
  await server?.stop();
});

describe('the database gate', () => {
  it('refuses at once, without sending anything, while the database is down; a probe per interval reconnects it', async () => {
    expect(await pool.sql`select 1 as one`).toEqual([{ one: 1 }]);
    await server.halt('immediate');

    // The first attempt after the crash goes to the server and fails as a connection error.
    const first = await failure(pool.sql`select 1`);
    expect(isDatabaseUnavailable(first)).toBe(true);
    expect(first?.code).not.toBe(DATABASE_DOWN);

    // From then on, with the clock still: refused by the gate, nothing sent (no statement counted).
    statementCounter.reset();
    const refused = await Promise.all([
      ...Array.from({ length: 10 }, () => failure(pool.sql`select 1`)),
      failure(pool.db.transaction(async () => undefined)),
      failure(createRequestScope(pool.db, { userId: null, role: null }).db()),
      failure(pool.sql.reserve()),
    ]);
    expect(refused.map((error) => error?.code)).toEqual(Array(13).fill(DATABASE_DOWN));
    expect(refused.every((error) => isDatabaseUnavailable(error))).toBe(true);
    expect(statementCounter.of(APP)).toBe(0);

    await server.restart();
    // One probe per interval goes through; the first that reaches the server opens the gate.
    let probes = 0;
    let answer: unknown = null;
    while (answer === null && probes < 100) {
      clock += PROBE_MS;
      probes += 1;
      answer = await pool.sql`select 2 as two`.catch(() => null);
    }
    expect(answer).toEqual([{ two: 2 }]);
    // Open again: everything goes through without moving the clock.
    const after = await Promise.all(Array.from({ length: 5 }, () => pool.sql`select 3 as three`));
    expect(after).toEqual(Array(5).fill([{ three: 3 }]));
  });

  it('stays open on an SQL error: the database answered', async () => {
    const error = await failure(pool.sql`select * from no_such_table`);
    expect(error?.code).toBe('42P01');
    expect(await pool.sql`select 4 as four`).toEqual([{ four: 4 }]);
  });
});
