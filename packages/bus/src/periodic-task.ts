import type { Logger } from '@nexanest/graphql';

export interface PeriodicTask {
  /** Schedules the first run after `firstDelayMs` (default `intervalMs`); a second call does nothing. */
  start(): void;
  /** No further run is scheduled; resolves once the run in progress, if any, has ended. */
  stop(): Promise<void>;
}

export interface PeriodicTaskOptions {
  run: () => Promise<unknown>;
  /** Pause between the end of one run and the start of the next (runs never overlap). */
  intervalMs: number;
  firstDelayMs?: number;
  logger: Logger;
  /** Logged (warn) with the error's message when a run fails; the next run comes as usual. */
  failureMessage: string;
  /** Extra fields for that log line. */
  logFields?: Record<string, unknown>;
}

/** A background job (outbox relay, stream trimmer, email sender, sweep) run again and again until stopped. */
export function createPeriodicTask(options: PeriodicTaskOptions): PeriodicTask {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = options
      .run()
      .catch((error: unknown) => options.logger.warn({ ...options.logFields, err: { message: (error as Error).message } }, options.failureMessage))
      .finally(() => {
        if (timer) timer = setTimeout(tick, options.intervalMs);
      });
  };
  return {
    start() {
      if (timer) return;
      timer = setTimeout(tick, options.firstDelayMs ?? options.intervalMs);
    },
    async stop() {
      clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}
