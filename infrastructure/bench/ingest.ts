// npm run bench:ingest — rows/s through market's ingest path (validation, UNNEST insert, candle
// rollups, latest prices, Redis latest-price cache, publish after commit) against a raw COPY into
// the same table on the same server, printed as a ratio. Runs on a fresh database of its own
// (TEST_DATABASE_URL's server) and a unique Redis namespace (TEST_REDIS_URL), both removed after.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createBus } from '@nexanest/bus';
import { createPool } from '@nexanest/db';
import { createIngest, listReferenceInstruments, prepareMarketDatabase, type TickInput } from '@nexanest/market';
import { createTestDatabase, dropRedisNamespace, testRedisUrl, uniqueName } from '@nexanest/testing';
import { createLatestPriceCache } from '../../subgraphs/market/src/cache/latest-price-cache.ts';
import { createPartitionCache, ensureMonthlyPartitions } from '../../subgraphs/market/src/db/partitions.ts';
import { detectTimeSeriesMode } from '../../subgraphs/market/src/db/time-series-mode.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 1000);
const WRITERS = Number(process.env.BENCH_WRITERS ?? 4);

const symbols = listReferenceInstruments()
  .filter((instrument) => instrument.assetClass === 'STOCK' || instrument.assetClass === 'ETF')
  .map((instrument) => instrument.symbol);

/** ROWS ticks, one per symbol per second from `start`, so every row is new; prices vary a little. */
function ticksFrom(start: number): TickInput[] {
  return Array.from({ length: ROWS }, (_, i) => ({
    symbol: symbols[i % symbols.length] as string,
    time: new Date(start + Math.floor(i / symbols.length) * 1000),
    price: (100 + (i % 997) / 100).toFixed(2),
    volume: String(1 + (i % 50)),
  }));
}

const database = await createTestDatabase('bench_ingest');
const namespace = uniqueName('bench_ingest');
const pool = createPool<Record<string, never>>({ url: database.url, max: WRITERS + 2, applicationName: 'bench-ingest' });
const bus = createBus({ redisUrl: testRedisUrl(), namespace });
const cache = createLatestPriceCache({ redisUrl: testRedisUrl(), namespace });
try {
  await prepareMarketDatabase(pool);
  const mode = await detectTimeSeriesMode(pool.sql);
  const day = 86_400_000;
  // Three disjoint ranges (one per measurement), all in the past and in partitions made up front.
  const base = Date.UTC(2026, 8, 1);
  const ranges = [base, base + 10 * day, base + 20 * day];
  await pool.sql.begin((tx) =>
    ensureMonthlyPartitions(
      tx,
      createPartitionCache(),
      'stock_prices',
      ranges.map((start) => new Date(start)),
    ),
  );
  const ingest = createIngest({ sql: pool.sql, bus, storage: { mode, partitions: createPartitionCache() }, latestPriceCache: cache });

  const timeIngest = async (ticks: TickInput[], publish: boolean) => {
    const batches: TickInput[][] = [];
    for (let i = 0; i < ticks.length; i += BATCH) batches.push(ticks.slice(i, i + BATCH));
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: WRITERS }, async () => {
        while (next < batches.length) {
          const batch = batches[next++] as TickInput[];
          const result = await ingest(batch, { publish });
          if (result.accepted !== batch.length) throw new Error(`ingest refused ticks: ${JSON.stringify(result.rejected.slice(0, 3))}`);
        }
      }),
    );
    return ticks.length / ((performance.now() - started) / 1000);
  };

  const timeCopy = async (ticks: TickInput[]) => {
    const started = performance.now();
    const writable = await pool.sql`copy market_data.stock_prices (symbol, time, price, volume) from stdin with (format csv)`.writable();
    const lines = function* () {
      for (let i = 0; i < ticks.length; i += BATCH) {
        yield ticks
          .slice(i, i + BATCH)
          .map((tick) => `${tick.symbol},${tick.time.toISOString()},${tick.price},${tick.volume}\n`)
          .join('');
      }
    };
    await pipeline(Readable.from(lines()), writable);
    return ticks.length / ((performance.now() - started) / 1000);
  };

  const [live, history, copyData] = ranges.map(ticksFrom) as [TickInput[], TickInput[], TickInput[]];
  await ingest(ticksFrom(base - 5 * day).slice(0, BATCH), { publish: false }); // warm-up: JIT, plans, pool
  const ingestLive = await timeIngest(live, true);
  const ingestHistory = await timeIngest(history, false);
  const copy = await timeCopy(copyData);
  const [count] = await pool.sql<{ n: string }[]>`select count(*)::text as n from market_data.stock_prices`;

  console.log(
    `Ingest vs COPY into market_data.stock_prices (${mode}), ${ROWS} rows each, ${symbols.length} symbols, batches of ${BATCH}, ${WRITERS} concurrent writers (${process.platform} ${process.arch})`,
  );
  console.log(`  ingest path, published   ${ingestLive.toFixed(0)} rows/s`);
  console.log(`  ingest path, backfill    ${ingestHistory.toFixed(0)} rows/s  (no publish)`);
  console.log(`  COPY                     ${copy.toFixed(0)} rows/s`);
  console.log(`  ratio ingest/COPY        ${(ingestLive / copy).toFixed(3)} (published), ${(ingestHistory / copy).toFixed(3)} (backfill)`);
  console.log(`  rows stored              ${count?.n}`);
} finally {
  await cache.close();
  await bus.close();
  await pool.close();
  await database.drop();
  await dropRedisNamespace(namespace);
}
