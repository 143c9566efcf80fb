/**
 * npm run check:ledger -- [transactions=100000] [seed=1]
 *
 * Replays a random ledger through the portfolio subgraph's domain functions and recomputes its
 * cash and average-cost positions with PostgreSQL NUMERIC on a scratch database; prints the
 * figures and exits 1 on any difference. TEST_DATABASE_URL names the server (default local).
 */
import { createPool, dropDatabase, ensureDatabase } from '@nexanest/db';
import { COMMAND_SYMBOLS, COMMAND_TYPES, differences, recomputeInSql, replayInTypeScript, type LedgerCommand } from './ledger-check/ledger-replay.ts';

const count = Number(process.argv[2] ?? 100_000);
const seed = Number(process.argv[3] ?? 1);
if (!Number.isInteger(count) || count < 1 || !Number.isInteger(seed)) {
  console.error('usage: npm run check:ledger -- [transactions] [seed]');
  process.exit(2);
}

/** mulberry32: a small seeded generator, so a run can be repeated exactly. */
function generator(state: number) {
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
}

const next = generator(seed);
const commands: LedgerCommand[] = Array.from({ length: count }, () => ({
  type: next() % COMMAND_TYPES,
  symbol: next() % COMMAND_SYMBOLS,
  n1: next() >>> 1,
  n2: next() >>> 1,
  n3: next() >>> 1,
  n4: next() >>> 1,
}));

const server = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
server.pathname = `/nn_ledger_check_${Date.now().toString(36)}`;
const url = server.toString();

const started = performance.now();
const ts = replayInTypeScript(commands);
const tsMs = performance.now() - started;

await ensureDatabase(url);
const pool = createPool({ url, max: 1, applicationName: 'check-ledger' });
try {
  const sqlStarted = performance.now();
  const sqlState = await recomputeInSql(pool.sql, ts.accepted);
  const sqlMs = performance.now() - sqlStarted;
  const found = differences(ts, sqlState);
  const byType = new Map<string, number>();
  for (const entry of ts.accepted) byType.set(entry.type, (byType.get(entry.type) ?? 0) + 1);
  console.log(
    JSON.stringify(
      {
        seed,
        generated: count,
        accepted: ts.accepted.length,
        refusedByLedgerRules: ts.refused,
        acceptedByType: Object.fromEntries([...byType].sort()),
        cash: Object.fromEntries(ts.cash),
        positions: Object.fromEntries(ts.positions),
        typescriptMs: Math.round(tsMs),
        sqlMs: Math.round(sqlMs),
        differences: found.length,
      },
      null,
      2,
    ),
  );
  if (found.length > 0) {
    console.error(found.slice(0, 50).join('\n'));
    process.exitCode = 1;
  }
} finally {
  await pool.close();
  await dropDatabase(url);
}
