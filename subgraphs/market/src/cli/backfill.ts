// npm run market:backfill -- file.csv [--batch-size 1000] [--stop-after-batches N]
// Streams a CSV of ticks (header symbol,time,price[,volume]) through the market ingest path into
// TIMESCALE_DATABASE_URL, showing progress; run it again after an interruption and it resumes
// after the last committed batch. Exit code 0 when the file is done (or was already), 2 when it
// stopped early (Ctrl-C or --stop-after-batches), 1 on failure.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createBus, redisTarget } from '@nexanest/bus';
import { createPool } from '@nexanest/db';
import { createLatestPriceCache } from '../cache/latest-price-cache.ts';
import { createPartitionCache } from '../db/partitions.ts';
import { detectTimeSeriesMode } from '../db/time-series-mode.ts';
import { loadMarketEnv } from '../env.ts';
import { runCsvBackfill } from '../feeds/csv-backfill.ts';
import { createIngest } from '../services/ingest-ticks.ts';
import { prepareMarketDatabase } from '../start.ts';
import { createProgressReporter } from './backfill-progress.ts';

const MAX_REJECTIONS_SHOWN = 20;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'batch-size': { type: 'string' }, 'stop-after-batches': { type: 'string' } },
});
if (positionals.length !== 1) {
  process.stderr.write('usage: npm run market:backfill -- file.csv [--batch-size 1000] [--stop-after-batches N]\n');
  process.exit(1);
}
const positive = (name: 'batch-size' | 'stop-after-batches'): number | undefined => {
  const text = values[name];
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    process.stderr.write(`--${name} must be a positive integer\n`);
    process.exit(1);
  }
  return value;
};
const batchSize = positive('batch-size');
const stopAfterBatches = positive('stop-after-batches');
// npm runs scripts from the project root; a relative path means the caller's directory.
const file = resolve(process.env.INIT_CWD ?? process.cwd(), positionals[0] as string);

const env = loadMarketEnv();
const pool = createPool<Record<string, never>>({ url: env.TIMESCALE_DATABASE_URL, max: 2, applicationName: 'market-backfill' });
const redis = redisTarget(env);
const bus = createBus({ redisUrl: redis, namespace: env.NEXANEST_NAMESPACE });
const latestPriceCache = redis ? createLatestPriceCache({ redisUrl: redis, namespace: env.NEXANEST_NAMESPACE }) : null;
let stopping = false;
process.on('SIGINT', () => {
  if (stopping) process.exit(130);
  stopping = true;
  process.stderr.write('\nstopping after the current batch (Ctrl-C again to abort; the checkpoint keeps what is committed)\n');
});

const reporter = createProgressReporter({ tty: Boolean(process.stdout.isTTY), write: (line) => process.stdout.write(`${line}\n`) });
let shown = 0;
let code = 0;
try {
  await prepareMarketDatabase(pool);
  const ingest = createIngest({
    sql: pool.sql,
    bus,
    storage: { mode: await detectTimeSeriesMode(pool.sql), partitions: createPartitionCache() },
    latestPriceCache,
    retentionDays: env.MARKET_TICK_RETENTION_DAYS || null,
    futureToleranceMs: env.MARKET_TICK_FUTURE_SKEW_MS,
  });
  const outcome = await runCsvBackfill({
    sql: pool.sql,
    ingest,
    file,
    ...(batchSize ? { batchSize } : {}),
    ...(stopAfterBatches ? { stopAfterBatches } : {}),
    shouldStop: () => stopping,
    onProgress: (progress) => reporter.update(progress),
    onRejected: (rejection) => {
      shown += 1;
      if (shown <= MAX_REJECTIONS_SHOWN) process.stderr.write(`line ${rejection.line}: ${rejection.symbol}: ${rejection.reason}\n`);
    },
  });
  reporter.stop();
  if (outcome.resumedFrom > 0 && outcome.status !== 'already-complete') process.stdout.write(`resumed after record ${outcome.resumedFrom}\n`);
  process.stdout.write(
    `${outcome.status}: ${outcome.records} records, ${outcome.accepted} accepted, ${outcome.rejected} rejected` +
      `${shown > MAX_REJECTIONS_SHOWN ? ` (first ${MAX_REJECTIONS_SHOWN} rejections shown)` : ''}\n`,
  );
  code = outcome.status === 'stopped' ? 2 : 0;
} catch (error) {
  reporter.stop();
  process.stderr.write(`backfill failed: ${error instanceof Error ? error.message : String(error)}\n`);
  code = 1;
} finally {
  await latestPriceCache?.close();
  await bus.close();
  await pool.close();
}
process.exit(code);
