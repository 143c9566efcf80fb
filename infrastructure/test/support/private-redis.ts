import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort } from '@nexanest/testing';

const run = promisify(execFile);

export interface PrivateRedis {
  url: string;
  /** The shell command that starts this server again (what a restore runs after placing the RDB). */
  startCommand: string;
  /** Its data folder (the RDB, and the AOF folder when AOF is on). */
  dir: string;
  /** Runs fn with a client on logical database `db`, disconnected afterwards. */
  use<T>(db: number, fn: (client: Redis) => Promise<T>): Promise<T>;
  /**
   * Stops the server and waits until the process is gone: `save` writes its data first (with AOF
   * on, the AOF is kept either way); `wipe` empties the data folder (a server that comes back empty).
   */
  halt(options: { save: boolean; wipe?: boolean }): Promise<void>;
  /** Starts it again on the same port and folder, and waits until it has loaded its data. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Waits until the redis-server on `port` answers PING (it has started and loaded its data). */
export async function waitForPing(port: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { stdout } = await run('redis-cli', ['-p', String(port), 'PING']).catch(() => ({ stdout: '' }));
    if (stdout.trim() === 'PONG') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`redis-server on port ${port} did not answer`);
}

/**
 * A redis-server of the test's own, on a free port with its own data folder, never the shared
 * Redis on 6379. No snapshots of its own (`--save ""`) and no wait before a replica transfer, so
 * `redis-cli --rdb` answers at once.
 */
export async function startPrivateRedis(options: { appendonly?: boolean } = {}): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'nexanest-redis-'));
  const appendonly = options.appendonly ? 'yes' : 'no';
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--daemonize', 'yes', '--save', '', '--appendonly', appendonly];
  args.push('--repl-diskless-sync-delay', '0', '--pidfile', join(dir, 'redis.pid'), '--logfile', join(dir, 'redis.log'));
  await run('redis-server', args);
  await waitForPing(port);
  const pidfile = join(dir, 'redis.pid');
  return {
    url: `redis://127.0.0.1:${port}`,
    startCommand: ['redis-server', ...args.map((arg) => `'${arg}'`)].join(' '),
    dir,
    async use(db, fn) {
      const client = new Redis({ host: '127.0.0.1', port, db, maxRetriesPerRequest: 1, lazyConnect: true });
      try {
        await client.connect();
        return await fn(client);
      } finally {
        client.disconnect();
      }
    },
    async halt({ save, wipe }) {
      await run('redis-cli', ['-p', String(port), 'SHUTDOWN', save ? 'SAVE' : 'NOSAVE']).catch(() => undefined);
      // redis-server removes its pidfile as it exits; the port is free after that.
      for (let attempt = 0; attempt < 200 && existsSync(pidfile); attempt++) await new Promise((resolve) => setTimeout(resolve, 25));
      if (wipe) for (const entry of await readdir(dir)) if (entry !== 'redis.log') await rm(join(dir, entry), { recursive: true, force: true });
    },
    async restart() {
      await run('redis-server', args);
      await waitForPing(port);
    },
    async stop() {
      await run('redis-cli', ['-p', String(port), 'SHUTDOWN', 'NOSAVE']).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Every key of the logical databases the services use, with its type, value and whether it expires. */
export async function snapshotRedis(redis: PrivateRedis): Promise<Record<string, unknown>> {
  const snapshot: Record<string, unknown> = {};
  for (const db of [0, 1, 2, 3, 5]) {
    await redis.use(db, async (client) => {
      for (const key of (await client.keys('*')).sort()) {
        const type = await client.type(key);
        const value =
          type === 'string'
            ? await client.get(key)
            : type === 'hash'
              ? await client.hgetall(key)
              : type === 'list'
                ? await client.lrange(key, 0, -1)
                : type === 'zset'
                  ? await client.zrange(key, 0, -1, 'WITHSCORES')
                  : type === 'stream'
                    ? await client.xrange(key, '-', '+')
                    : (await client.smembers(key)).sort();
        snapshot[`${db}/${key}`] = { type, value, expires: (await client.ttl(key)) > 0 };
      }
    });
  }
  return snapshot;
}
