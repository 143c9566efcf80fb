import { eventsStreamKey, readStreamGroups, type Redis } from '@nexanest/bus';
import type { Sql } from '@nexanest/db';

/** Polls `check` every 50 ms until it holds; throws after `timeoutMs`. */
export async function until(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Whether a consumer group of the run's events stream has handled everything sent so far. */
export async function groupCaughtUp(events: Redis, namespace: string, group: string): Promise<boolean> {
  const found = (await readStreamGroups(events, [eventsStreamKey(namespace)])).find((info) => info.group === group);
  return found !== undefined && found.pending === 0 && found.lag === 0;
}

/** Whether portfolio's outbox has been relayed to the stream (`sql` on portfolio's database). */
export async function outboxRelayed(sql: Sql): Promise<boolean> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from outbox_events where published_at is null`;
  return row?.n === 0;
}
