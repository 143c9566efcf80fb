/** A readiness check: resolves when the dependency answers. */
export type HealthCheck = () => Promise<unknown>;

export interface HealthReport {
  status: 'ok' | 'failing';
  checks: Record<string, { ok: boolean; ms: number; error?: string }>;
}

/**
 * Runs every check at once, each with its own timeout, and reports each one. Errors are reduced
 * to a fixed phrase: a health endpoint is unauthenticated and must not leak hosts or SQL.
 */
export async function runHealthChecks(checks: Record<string, HealthCheck>, timeoutMs: number): Promise<HealthReport> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          check(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
          }),
        ]);
        return [name, { ok: true, ms: Math.round(performance.now() - started) }] as const;
      } catch (error) {
        const reason = error instanceof Error && error.message === 'timeout' ? 'did not answer in time' : 'unavailable';
        return [name, { ok: false, ms: Math.round(performance.now() - started), error: reason }] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const report = Object.fromEntries(entries);
  return { status: entries.every(([, result]) => result.ok) ? 'ok' : 'failing', checks: report };
}
