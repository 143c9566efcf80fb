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
  // `on`, not `once`: once the listener is gone the next signal would end the process at once, and
  // a gateway worker gets the signal twice on Ctrl-C (from the terminal and from its primary).
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
