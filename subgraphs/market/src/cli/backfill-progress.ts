import { SingleBar, Presets } from 'cli-progress';
import type { BackfillProgress } from '../feeds/csv-backfill.ts';

export interface ProgressReporter {
  update(progress: BackfillProgress): void;
  stop(): void;
}

/**
 * A progress bar over the file's bytes on a terminal; elsewhere (CI, a log file) one plain line
 * at most every `everyMs`, so logs stay readable.
 */
export function createProgressReporter(options: { tty: boolean; write: (line: string) => void; everyMs?: number }): ProgressReporter {
  const summary = (p: BackfillProgress) => `${p.records} records (${p.accepted} accepted, ${p.rejected} rejected)`;
  if (options.tty) {
    const bar = new SingleBar({ format: 'backfill [{bar}] {percentage}% | {summary}', hideCursor: true }, Presets.shades_classic);
    let started = false;
    return {
      update(progress) {
        if (!started) bar.start(progress.totalBytes, 0, { summary: '' });
        started = true;
        bar.update(progress.bytes, { summary: summary(progress) });
      },
      stop: () => bar.stop(),
    };
  }
  const everyMs = options.everyMs ?? 2000;
  let last = 0;
  return {
    update(progress) {
      if (Date.now() - last < everyMs) return;
      last = Date.now();
      const percent = progress.totalBytes === 0 ? 100 : Math.floor((progress.bytes / progress.totalBytes) * 100);
      options.write(`backfill ${percent}% | ${summary(progress)}`);
    },
    stop() {},
  };
}
