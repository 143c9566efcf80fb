/** Durations of start-up phases, in the order they began, for one log line at the end. */
export interface StartupTimings {
  /** Runs `work` and records its duration under `phase` (phases may overlap). */
  time<T>(phase: string, work: () => Promise<T>): Promise<T>;
  /** Records a phase measured elsewhere. */
  record(phase: string, ms: number): void;
  /** Milliseconds per phase. */
  readonly phases: Readonly<Record<string, number>>;
  /** "Started in 9.8 s (postgres 2.1 s, ...)": seconds since the process began. */
  summary(): string;
}

export function createStartupTimings(): StartupTimings {
  const phases: Record<string, number> = {};
  return {
    phases,
    record(phase, ms) {
      phases[phase] = Math.round(ms);
    },
    async time(phase, work) {
      const started = performance.now();
      try {
        return await work();
      } finally {
        phases[phase] = Math.round(performance.now() - started);
      }
    },
    summary() {
      const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
      const parts = Object.entries(phases).map(([phase, ms]) => `${phase} ${seconds(ms)}`);
      return `Started in ${seconds(performance.now())} (${parts.join(', ')})`;
    },
  };
}
