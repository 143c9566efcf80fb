import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Decimal } from 'decimal.js';
import { createPool, type Pool } from '@nexanest/db';
import { createTestDatabase, dropRedisNamespace, testRedisUrl, uniqueName, type TestDatabase } from '@nexanest/testing';
import { backfillFileKey } from '../src/feeds/csv-backfill.ts';
import { mulberry32 } from '../src/domain/demo-history.ts';

// The CLI runs as its own process, as `npm run market:backfill` would start it, against a
// database of its own; the test interrupts it twice (--stop-after-batches, then SIGKILL).

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const CLI = join(ROOT, 'subgraphs/market/src/cli/backfill.ts');
const namespace = uniqueName('market_backfill');

let database: TestDatabase;
let pool: Pool;
let dir: string;
let file: string;
const rows: { symbol: string; time: string; price: string; volume: string }[] = [];
let invalid = 0;

beforeAll(async () => {
  database = await createTestDatabase('market_backfill');
  pool = createPool<Record<string, never>>({ url: database.url, max: 2, applicationName: 'backfill-test' });
  dir = await mkdtemp(join(tmpdir(), 'nexanest-backfill-'));
  file = join(dir, 'ticks.csv');
  const random = mulberry32(42);
  const symbols = ['AAPL', 'MSFT', 'SAP', 'SPX'];
  const lines = ['symbol,time,price,volume'];
  for (let i = 0; i < 12_000; i++) {
    const symbol = symbols[i % symbols.length]!;
    const time = new Date(Date.UTC(2026, 9, 1) + i * 60_000).toISOString();
    const bad = i % 97 === 13; // a tick now and then with a price that is no decimal
    const price = bad ? 'n/a' : new Decimal(100 + Math.floor(random() * 10_000) / 100).toFixed();
    const volume = String(1 + Math.floor(random() * 500));
    if (bad) invalid += 1;
    else rows.push({ symbol, time, price, volume });
    lines.push(`${symbol},${time},${price},${volume}`);
  }
  await writeFile(file, `${lines.join('\n')}\n`);
});

afterAll(async () => {
  await pool?.close();
  await database?.drop();
  await dropRedisNamespace(namespace);
  if (dir) await rm(dir, { recursive: true, force: true });
});

function startCli(args: string[]) {
  // node --import tsx: one process, so a kill reaches the backfill itself (the tsx binary would fork).
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, file, ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      TIMESCALE_DATABASE_URL: database.url,
      REDIS_URL: testRedisUrl(),
      NEXANEST_NAMESPACE: namespace,
      LOG_LEVEL: 'silent',
      NODE_ENV: 'test',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, out })),
  );
  return { child, exit };
}

const checkpoint = async () => {
  const key = (await backfillFileKey(file)).key;
  const [row] = await pool.sql<{ records: string; accepted: string; rejected: string; completed: boolean }[]>`
    select lines_done::text as records, accepted::text as accepted, rejected::text as rejected, completed_at is not null as completed
    from market_data.backfill_checkpoints where file_key = ${key}`;
  return row ? { records: Number(row.records), accepted: Number(row.accepted), rejected: Number(row.rejected), completed: row.completed } : null;
};

describe('CSV backfill', () => {
  it('stops after the asked number of batches with exactly those batches committed', { timeout: 60_000 }, async () => {
    const { code, out } = await startCli(['--batch-size', '250', '--stop-after-batches', '3']).exit;
    expect(out).toContain('stopped: 750 records');
    expect(code).toBe(2);
    expect(await checkpoint()).toMatchObject({ records: 750, completed: false });
    const [count] = await pool.sql<
      { n: string }[]
    >`select ((select count(*) from market_data.stock_prices) + (select count(*) from market_data.market_indices))::text as n`;
    expect(Number(count?.n)).toBe(750 - countInvalidIn(750));
  });

  it('resumes after a kill and after a clean stop, and lands every row exactly once', { timeout: 120_000 }, async () => {
    // Kill the second run once it has committed a batch of its own.
    const run = startCli(['--batch-size', '250']);
    for (let i = 0; i < 600; i++) {
      const state = await checkpoint();
      if (state && state.records > 750) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    run.child.kill('SIGKILL');
    const killed = await run.exit;
    const afterKill = await checkpoint();
    expect(killed.signal).toBe('SIGKILL');
    expect(afterKill?.completed).toBe(false);
    expect(afterKill?.records).toBeGreaterThan(750);

    const { code, out } = await startCli(['--batch-size', '250']).exit;
    expect(code).toBe(0);
    expect(out).toContain(`resumed after record ${afterKill?.records}`);
    expect(out).toContain(`completed: 12000 records, ${rows.length} accepted, ${invalid} rejected`);
    // Each record was ingested once: a record ingested twice would count as accepted twice.
    expect(await checkpoint()).toEqual({ records: 12_000, accepted: rows.length, rejected: invalid, completed: true });

    const stored = await pool.sql<{ symbol: string; time: Date | string; price: string }[]>`
      select symbol, time, price from market_data.stock_prices union all select symbol, time, value from market_data.market_indices`;
    const key = (symbol: string, time: Date | string, price: string) => `${symbol}|${new Date(time).toISOString()}|${new Decimal(price).toFixed()}`;
    expect(stored.map((row) => key(row.symbol, row.time, row.price)).sort()).toEqual(rows.map((row) => key(row.symbol, row.time, row.price)).sort());
    // The rollups saw each tick once: daily volumes equal the file's.
    const volumes = await pool.sql<
      { symbol: string; volume: string }[]
    >`select symbol, sum(volume)::text as volume from market_data.candles_1d group by symbol`;
    const expected = new Map<string, Decimal>();
    for (const row of rows) expected.set(row.symbol, (expected.get(row.symbol) ?? new Decimal(0)).add(row.symbol === 'SPX' ? 0 : row.volume));
    expect(Object.fromEntries(volumes.map((row) => [row.symbol, row.volume]))).toEqual(
      Object.fromEntries([...expected].map(([symbol, volume]) => [symbol, volume.toFixed()])),
    );
  });

  it('does nothing for a file it has completed', { timeout: 60_000 }, async () => {
    const { code, out } = await startCli([]).exit;
    expect(code).toBe(0);
    expect(out).toContain(`already-complete: 12000 records, ${rows.length} accepted, ${invalid} rejected`);
  });
});

/** Invalid rows among the first `n` records of the file. */
function countInvalidIn(n: number): number {
  let count = 0;
  for (let i = 0; i < n; i++) if (i % 97 === 13) count += 1;
  return count;
}
