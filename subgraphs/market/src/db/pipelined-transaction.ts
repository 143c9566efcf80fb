import type { Sql } from '@nexanest/db';
import type postgres from 'postgres';

/**
 * Runs the queries `send` issues in one transaction whose BEGIN, statements and COMMIT reach the
 * server back to back, on a connection of its own: the transaction never waits on this process
 * between its statements. That matters for ingest, whose locks every other writer of the same
 * symbols waits for: with sql.begin, COMMIT leaves only once the event loop has read the last
 * result, and a loop busy with other batches kept the locks held that much longer.
 *
 * `send` must issue every query before its first await (queries sent with `.execute()`, or
 * created synchronously), so that COMMIT is queued behind them. When any of them fails, the
 * server has aborted the transaction and turns the COMMIT into a rollback; the first error is
 * thrown.
 */
export async function inPipelinedTransaction<T>(sql: Sql, send: (tx: postgres.ReservedSql) => Promise<T>): Promise<T> {
  const tx = await sql.reserve();
  try {
    const begun = tx`begin`.execute();
    const sent = send(tx);
    const committed = tx`commit`.execute();
    const outcomes = await Promise.allSettled([begun, sent, committed]);
    const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failed) {
      // Already rolled back by the COMMIT of an aborted transaction, unless BEGIN itself failed.
      await tx`rollback`.catch(() => {});
      throw failed.reason;
    }
    return (outcomes[1] as PromiseFulfilledResult<T>).value;
  } finally {
    tx.release();
  }
}
