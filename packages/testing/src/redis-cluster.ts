import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.ts';

const run = promisify(execFile);

/** A Redis Cluster of the test's own: never the shared Redis on 6379. */
export interface PrivateRedisCluster {
  nodes: { host: string; port: number }[];
  /** The REDIS_CLUSTER_NODES value that names it. */
  setting: string;
  stop(): Promise<void>;
}

const cli = (port: number, ...args: string[]) => run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args]).then(({ stdout }) => stdout);

async function waitFor(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`private Redis Cluster: ${what} did not happen`);
}

/**
 * Starts `size` (at least 3) redis-server processes with `--cluster-enabled yes` on free ports,
 * each with its own temporary folder, joins them with `redis-cli --cluster create` (masters only)
 * and waits until every node reports `cluster_state:ok`. The cluster bus uses port + 10000,
 * which is checked free too.
 */
export async function startPrivateRedisCluster(size = 3): Promise<PrivateRedisCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'nexanest-redis-cluster-'));
  const ports: number[] = [];
  const stop = async () => {
    await Promise.all(ports.map((port) => cli(port, 'SHUTDOWN', 'NOSAVE').catch(() => undefined)));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    while (ports.length < size) {
      const port = await freePort();
      if (port > 55535 || ports.includes(port)) continue;
      // The cluster bus listens on port + 10000: skip ports whose bus port is taken.
      const busFree = await new Promise<boolean>((resolve) => {
        const probe = createServer();
        probe.once('error', () => resolve(false));
        probe.listen(port + 10000, '127.0.0.1', () => probe.close(() => resolve(true)));
      });
      if (!busFree) continue;
      const node = join(dir, String(port));
      await mkdir(node);
      await run('redis-server', [
        ...['--port', String(port), '--bind', '127.0.0.1', '--dir', node, '--daemonize', 'yes'],
        ...['--cluster-enabled', 'yes', '--cluster-config-file', join(node, 'nodes.conf'), '--cluster-node-timeout', '2000'],
        ...['--save', '', '--appendonly', 'no', '--pidfile', join(node, 'redis.pid'), '--logfile', join(node, 'redis.log')],
      ]);
      ports.push(port);
      await waitFor(`node ${port} answering`, async () => (await cli(port, 'PING')).trim() === 'PONG');
    }
    await run('redis-cli', ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes']);
    for (const port of ports) {
      await waitFor(`cluster_state:ok on ${port}`, async () => (await cli(port, 'CLUSTER', 'INFO')).includes('cluster_state:ok'));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const nodes = ports.map((port) => ({ host: '127.0.0.1', port }));
  return { nodes, setting: nodes.map((node) => `${node.host}:${node.port}`).join(','), stop };
}
