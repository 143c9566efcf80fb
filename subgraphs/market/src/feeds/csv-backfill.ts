import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parse } from 'csv-parse';
import type { Sql } from '@nexanest/db';
import type { TickInput } from '../domain/tick-validation.ts';
import { MAX_TICKS_PER_CALL, type Ingest } from '../services/ingest-ticks.ts';

/** Where a backfill stands, after each committed batch. */
export interface BackfillProgress {
  /** Data records (lines after the header) done, including those of earlier runs. */
  records: number;
  accepted: number;
  rejected: number;
  /** Bytes of the file read so far, and its size. */
  bytes: number;
  totalBytes: number;
  /** Records skipped because an earlier run had committed them. */
  resumedFrom: number;
}

/** A tick the backfill refused, with its 1-based line in the file. */
export interface BackfillRejection {
  line: number;
  symbol: string;
  reason: string;
}

export interface BackfillOptions {
  sql: Sql;
  ingest: Ingest;
  file: string;
  /** Ticks per ingest call (and per transaction). */
  batchSize?: number;
  /** Stop after this many batches of this run (to interrupt on purpose, e.g. in tests). */
  stopAfterBatches?: number;
  /** Checked before each batch: a signal handler sets it to stop cleanly. */
  shouldStop?: () => boolean;
  onProgress?: (progress: BackfillProgress) => void;
  onRejected?: (rejection: BackfillRejection) => void;
}

export interface BackfillOutcome extends BackfillProgress {
  status: 'completed' | 'stopped' | 'already-complete';
}

interface CsvRow {
  symbol?: string;
  time?: string;
  price?: string;
  volume?: string;
}

/**
 * The file's identity for checkpoints: absolute path, size and modification time. An edited
 * file is a new file and starts again from its first line (ingest is idempotent on (symbol, time)).
 */
export async function backfillFileKey(file: string): Promise<{ key: string; path: string; size: number }> {
  const path = resolve(file);
  const info = await stat(path);
  return { key: `${path}|${info.size}|${Math.trunc(info.mtimeMs)}`, path, size: info.size };
}

/**
 * Streams a CSV of ticks (header: symbol,time,price[,volume]; time ISO-8601) through the ingest
 * path in batches, so validation, rollups and latest prices are the live ones. After each batch
 * the checkpoint (records done, accepted, rejected) is written IN the batch's transaction, so a
 * run interrupted at any point resumes exactly after the last committed batch: no record is
 * ingested twice and none is skipped. Ticks are not published to live subscribers.
 */
export async function runCsvBackfill(options: BackfillOptions): Promise<BackfillOutcome> {
  const batchSize = Math.min(Math.max(options.batchSize ?? 1000, 1), MAX_TICKS_PER_CALL);
  const file = await backfillFileKey(options.file);
  const [checkpoint] = await options.sql<{ records: string; accepted: string; rejected: string; completed: boolean }[]>`
    select lines_done::text as records, accepted::text as accepted, rejected::text as rejected, completed_at is not null as completed
    from market_data.backfill_checkpoints where file_key = ${file.key}`;
  const progress: BackfillProgress = {
    records: Number(checkpoint?.records ?? 0),
    accepted: Number(checkpoint?.accepted ?? 0),
    rejected: Number(checkpoint?.rejected ?? 0),
    bytes: 0,
    totalBytes: file.size,
    resumedFrom: Number(checkpoint?.records ?? 0),
  };
  if (checkpoint?.completed) return { ...progress, bytes: file.size, status: 'already-complete' };

  const parser = createReadStream(file.path).pipe(parse({ columns: true, skip_empty_lines: true, trim: true, info: true, relax_column_count: true }));
  let batch: { tick: TickInput; line: number }[] = [];
  let seen = 0;
  let batches = 0;

  const flush = async (last: boolean) => {
    const done = progress.records + batch.length;
    const current = batch;
    batch = [];
    const result = await options.ingest(
      current.map((entry) => entry.tick),
      {
        publish: false,
        inTransaction: async (tx, outcome) => {
          const rejected = outcome.rejected.length;
          await tx`
            insert into market_data.backfill_checkpoints (file_key, path, lines_done, accepted, rejected, completed_at, updated_at)
            values (${file.key}, ${file.path}, ${done}, ${progress.accepted + outcome.accepted}, ${progress.rejected + rejected},
                    ${last ? new Date().toISOString() : null}::timestamptz, now())
            on conflict (file_key) do update set lines_done = excluded.lines_done, accepted = excluded.accepted,
              rejected = excluded.rejected, completed_at = excluded.completed_at, updated_at = now()`;
        },
      },
    );
    progress.records = done;
    progress.accepted += result.accepted;
    progress.rejected += result.rejected.length;
    for (const rejection of result.rejected)
      options.onRejected?.({ line: current[rejection.index]?.line ?? 0, symbol: rejection.symbol, reason: rejection.reason });
    batches += 1;
    options.onProgress?.({ ...progress });
  };

  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: CsvRow; info: { lines: number; bytes: number } }>) {
      seen += 1;
      progress.bytes = info.bytes;
      if (seen <= progress.resumedFrom) continue;
      batch.push({ tick: toTick(record), line: info.lines });
      if (batch.length < batchSize) continue;
      await flush(false);
      if ((options.stopAfterBatches !== undefined && batches >= options.stopAfterBatches) || options.shouldStop?.()) {
        return { ...progress, status: 'stopped' };
      }
    }
  } finally {
    parser.destroy();
  }
  progress.bytes = file.size;
  // The last (possibly empty) batch also marks the checkpoint complete.
  await flush(true);
  return { ...progress, status: 'completed' };
}

/** A CSV row as a tick; whatever is wrong with it, validation says so (per tick, with a reason). */
function toTick(row: CsvRow): TickInput {
  return {
    symbol: row.symbol ?? '',
    price: row.price ?? '',
    time: new Date(row.time ?? ''),
    volume: row.volume ? row.volume : null,
  };
}
