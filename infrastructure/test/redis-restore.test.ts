import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrivateRedis, snapshotRedis, startPrivateRedis, waitForPing } from './support/private-redis.ts';

const SCRIPT = resolve(import.meta.dirname, '../scripts/db-manage.sh');
const run = promisify(execFile);

let source: PrivateRedis;
let target: PrivateRedis;
let folder: string;

/** A backup folder holding only a Redis RDB (restore handles the files SHA256SUMS lists). */
async function redisOnlyBackup(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'nexanest-redis-backup-'));
  await run('redis-cli', ['-u', source.url, '--rdb', join(dir, 'redis.rdb')]);
  const sum = createHash('sha256')
    .update(await readFile(join(dir, 'redis.rdb')))
    .digest('hex');
  await writeFile(join(dir, 'SHA256SUMS'), `${sum}  redis.rdb\n`);
  await writeFile(join(dir, 'manifest.json'), JSON.stringify({ format: 1, files: [{ file: 'redis.rdb', kind: 'redis', sha256: sum }] }));
  return dir;
}

/** db-manage.sh restore into `target` only: no database URL, so no PostgreSQL is touched. */
const restore = (extra: Record<string, string>) =>
  run('bash', [SCRIPT, 'restore', folder, '--yes'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NEXANEST_ENV_FILE: '', REDIS_URL: target.url, ...extra },
  });

beforeAll(async () => {
  source = await startPrivateRedis();
  target = await startPrivateRedis({ appendonly: true });
  await source.use(0, (client) => client.set('nexanest:cache:a', '1'));
  await source.use(2, (client) => client.hset('nexanest:session:s', { userId: 'u1' }));
  await target.use(0, (client) => client.set('nexanest:cache:old', 'before the restore'));
  folder = await redisOnlyBackup();
});

afterAll(async () => {
  await source?.stop();
  await target?.stop();
  if (folder) await rm(folder, { recursive: true, force: true });
});

describe('restoring the Redis RDB into a Redis with AOF on', () => {
  it('leaves Redis alone and prints the steps when no start command is given', async () => {
    const { stdout } = await restore({});
    expect(stdout).toMatch(/Redis: not restored \(REDIS_RESTORE_START_CMD is unset\)/);
    expect(await snapshotRedis(target)).toHaveProperty(['0/nexanest:cache:old']);
  });

  it('refuses when the start command turns AOF on, keeping the old AOF aside', async () => {
    const failure = await restore({ REDIS_RESTORE_START_CMD: target.startCommand }).catch((error: { stderr: string }) => error);
    expect((failure as { stderr: string }).stderr).toMatch(/restarted with AOF on and ignored the RDB/);
    expect((await readdir(target.dir)).some((name) => name.startsWith('appendonlydir.before-restore-'))).toBe(true);
  });

  it('loads the RDB with AOF off for one start, then turns AOF on again from the restored data', async () => {
    const once = target.startCommand.replace("'--appendonly' 'yes'", "'--appendonly' 'no'");
    const { stdout } = await restore({ REDIS_RESTORE_START_CMD: once });
    expect(stdout).toMatch(/restoring the Redis RDB .* \.\.\. 2 keys in/);
    const restored = await snapshotRedis(source);
    expect(await snapshotRedis(target)).toEqual(restored);
    expect((await run('redis-cli', ['-u', target.url, 'CONFIG', 'GET', 'appendonly'])).stdout).toMatch(/yes/);

    // A plain restart with AOF on (its usual command) keeps the restored data.
    await run('redis-cli', ['-u', target.url, 'SHUTDOWN']);
    await run('bash', ['-c', target.startCommand]);
    await waitForPing(Number(new URL(target.url).port));
    expect(await snapshotRedis(target)).toEqual(restored);
  });
});
