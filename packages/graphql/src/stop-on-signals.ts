import type { Logger } from './logger.ts';

/**
 * A standalone service's last step: on SIGINT or SIGTERM, close what `close` closes (servers,
 * then pools and clients), then exit 0, or 1 when closing failed. A second signal is ignored.
 */
export function stopOnSignals(close: () => Promise<void>, logger: Logger): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    try {
      await close();
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
