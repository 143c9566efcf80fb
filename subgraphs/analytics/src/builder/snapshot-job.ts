import type { Logger } from '@nexanest/graphql';
import type { SnapshotBuilder } from './snapshot-builder.ts';

/**
 * Runs the builder every `intervalMs` (never two runs at once): ledgers that changed since the
 * last comparison are rebuilt from their first changed day, and each new day is added once it ends.
 */
export function startSnapshotJob(builder: SnapshotBuilder, options: { intervalMs: number; logger: Logger }): { stop(): Promise<void> } {
  if (options.intervalMs <= 0) return { stop: async () => {} };
  let running: Promise<void> | null = null;
  const tick = () => {
    if (running) return;
    running = builder
      .run()
      .then((outcomes) => {
        const failed = outcomes.filter((outcome) => outcome.error).length;
        if (outcomes.length > 0) options.logger.info({ portfolios: outcomes.length, failed }, 'snapshots built');
      })
      .catch((error: unknown) => options.logger.error({ err: { message: (error as Error).message } }, 'snapshot job failed'))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
