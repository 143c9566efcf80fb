import nodeCluster, { type Cluster, type Worker } from 'node:cluster';
import type { Logger } from '@nexanest/graphql';

export interface GatewayClusterOptions {
  /** Worker processes to keep running; each runs the whole gateway on the shared port. */
  workers: number;
  logger: Logger;
  /** First delay before a dead worker is replaced; doubled for each worker that dies young, up to `maxRestartDelayMs`. */
  restartDelayMs?: number;
  maxRestartDelayMs?: number;
  /** A worker that lived this long before dying counts as healthy: the delay starts over. */
  healthyAfterMs?: number;
  /** node:cluster, or a stand-in. */
  cluster?: Cluster;
}

export interface GatewayCluster {
  /** Forks the workers. */
  start(): void;
  /** Relays `signal` to every worker (each closes gracefully) and resolves with 0 once all have exited 0, else 1. */
  stop(signal: NodeJS.Signals): Promise<number>;
}

/**
 * The primary of GATEWAY_WORKERS > 1: forks the workers (node:cluster hands them the listening
 * socket in turn), replaces one that dies unexpectedly after a backoff, and on stop relays the
 * signal to each so that it runs its own graceful shutdown. Workers share nothing else: APQ and
 * query-plan caches are per worker; subscriptions reach every worker through Redis.
 */
export function createGatewayCluster(options: GatewayClusterOptions): GatewayCluster {
  const { workers, logger } = options;
  const cluster = options.cluster ?? nodeCluster;
  const baseDelay = options.restartDelayMs ?? 200;
  const maxDelay = options.maxRestartDelayMs ?? 10_000;
  const healthyAfter = options.healthyAfterMs ?? 30_000;
  const bornAt = new Map<number, number>();
  const restarts = new Set<NodeJS.Timeout>();
  let youngDeaths = 0;
  let stopping = false;
  let failed = false;
  let allExited: (() => void) | null = null;

  const fork = () => {
    const worker = cluster.fork();
    bornAt.set(worker.id, Date.now());
    worker.once('online', () => logger.info({ worker: worker.id, workerPid: worker.process.pid }, 'gateway worker started'));
  };
  const running = () => Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => Boolean(worker));

  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (bornAt.get(worker.id) ?? Date.now());
    bornAt.delete(worker.id);
    if (stopping) {
      if (code !== 0) failed = true;
      logger.info({ worker: worker.id, workerPid: worker.process.pid, code, signal }, 'gateway worker exited');
      if (running().length === 0) allExited?.();
      return;
    }
    youngDeaths = lived >= healthyAfter ? 0 : youngDeaths + 1;
    const delay = Math.min(maxDelay, baseDelay * 2 ** Math.max(0, youngDeaths - 1));
    logger.error({ worker: worker.id, workerPid: worker.process.pid, code, signal, restartInMs: delay }, 'gateway worker died; replacing it');
    const timer = setTimeout(() => {
      restarts.delete(timer);
      if (!stopping) fork();
    }, delay);
    restarts.add(timer);
  });

  return {
    start() {
      for (let i = 0; i < workers; i++) fork();
    },
    stop(signal) {
      stopping = true;
      for (const timer of restarts) clearTimeout(timer);
      restarts.clear();
      const left = running();
      if (left.length === 0) return Promise.resolve(failed ? 1 : 0);
      const done = new Promise<number>((resolve) => {
        allExited = () => resolve(failed ? 1 : 0);
      });
      // The process, not worker.kill(): that disconnects first, which closes the worker's server under it.
      for (const worker of left) worker.process.kill(signal);
      return done;
    },
  };
}

/** Runs the primary until SIGTERM or SIGINT, then exits once every worker has. A second signal is ignored. */
export function runGatewayCluster(options: GatewayClusterOptions): void {
  const primary = createGatewayCluster(options);
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    options.logger.info({ signal }, 'shutting down the gateway workers');
    process.exit(await primary.stop(signal));
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  primary.start();
  options.logger.info({ workers: options.workers }, 'gateway primary started');
}
