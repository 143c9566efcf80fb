import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { testServerUrl, uniqueName } from '@nexanest/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, DATABASES, dropDatabases, runSql, wipeDatabase, seedDatabase, snapshotDatabase, type DatabaseName } from './support/seed-databases.ts';
import { type PrivateRedis, snapshotRedis, startPrivateRedis } from './support/private-redis.ts';

const SCRIPT = resolve(import.meta.dirname, '../scripts/db-manage.sh');
const run = promisify(execFile);

const prefix = uniqueName('nn_test_backup').toLowerCase();
const dbName = (name: DatabaseName) => `${prefix}_${name}`;
const dbUrl = (name: DatabaseName) => {
  const url = new URL(testServerUrl());
  url.pathname = `/${dbName(name)}`;
  return url.toString();
};

let redis: PrivateRedis;
let backupRoot: string;

/** db-manage.sh with this test's databases and Redis only: nothing from the developer's env or .env. */
async function manage(args: string[], extra: Record<string, string> = {}) {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NEXANEST_ENV_FILE: '' };
  for (const name of DATABASES) env[`${name.toUpperCase()}_DATABASE_URL`] = dbUrl(name);
  Object.assign(env, { REDIS_URL: redis.url, BACKUP_ROOT: backupRoot, ...extra });
  return run('bash', [SCRIPT, ...args], { env, maxBuffer: 4 * 1024 * 1024 });
}

async function manageFails(args: string[], extra: Record<string, string> = {}): Promise<string> {
  const error = await manage(args, extra).then(
    () => null,
    (failure: { stderr: string }) => failure,
  );
  expect(error, `db-manage.sh ${args.join(' ')} should fail`).not.toBeNull();
  return error?.stderr ?? '';
}

async function seedRedis() {
  await redis.use(0, async (client) => {
    await client.set('nexanest:cache:portfolio:1', JSON.stringify({ total: '1234.5600' }));
    await client.set('nexanest:cache:expiring', 'soon', 'EX', 3600);
  });
  await redis.use(1, async (client) => {
    await client.xadd('nexanest:market:ticks', '*', 'symbol', 'AAPL', 'price', '187.12');
    await client.zadd('nexanest:market:movers', 1.5, 'AAPL', -2.25, 'MSFT');
  });
  await redis.use(2, (client) => client.hset('nexanest:session:abc', { userId: 'u1', expires: '2026-12-01T00:00:00Z' }));
  await redis.use(3, (client) => client.rpush('nexanest:notifications:queue', 'a', 'b', 'c'));
  await redis.use(5, (client) => client.sadd('nexanest:analytics:dirty', '1', '2', '3'));
}

const snapshotAll = async () => {
  const databases: Record<string, unknown> = {};
  for (const name of DATABASES) databases[name] = await snapshotDatabase(dbUrl(name));
  return { databases, redis: await snapshotRedis(redis) };
};

/** The one folder a backup wrote under this run's BACKUP_ROOT since `before`. */
async function newBackupFolder(before: string[]): Promise<string> {
  const folders = (await readdir(backupRoot)).filter((entry) => !before.includes(entry));
  expect(folders).toHaveLength(1);
  expect(folders[0]).toMatch(/^\d{8}T\d{6}Z/);
  return join(backupRoot, folders[0] as string);
}

const sha256 = async (file: string) =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex');

let seeded: Awaited<ReturnType<typeof snapshotAll>>;

beforeAll(async () => {
  backupRoot = await mkdtemp(join(tmpdir(), 'nexanest-backups-'));
  redis = await startPrivateRedis();
  for (const name of DATABASES) {
    await createDatabase(testServerUrl(), dbName(name));
    await seedDatabase(dbUrl(name), name);
  }
  await seedRedis();
  seeded = await snapshotAll();
});

afterAll(async () => {
  await dropDatabases(
    testServerUrl(),
    DATABASES.map((name) => dbName(name)),
  );
  await redis?.stop();
  if (backupRoot) await rm(backupRoot, { recursive: true, force: true });
});

// Each test runs the script two to four times (tens of processes): room for a busy 2-core machine.
describe('db-manage.sh backup and restore', { timeout: 90_000 }, () => {
  it('backs up every database and the Redis RDB, and brings them back after they are wiped', async () => {
    const startedBackup = performance.now();
    const backup = await manage(['backup']);
    const backupMs = performance.now() - startedBackup;
    expect(backup.stdout).toMatch(/\[1\/7\] dumping auth .* \.\.\. [\d.]+[KM]?i?B in [\d.]+ s/);
    expect(backup.stdout).toMatch(/\[6\/7\] copying the Redis RDB/);
    const folder = await newBackupFolder([]);

    const manifest = JSON.parse(await readFile(join(folder, 'manifest.json'), 'utf8'));
    expect(manifest.encryption).toBeNull();
    expect(manifest.tools.pg_dump).toMatch(/^pg_dump \(PostgreSQL\)/);
    expect(manifest.files.map((file: { file: string }) => file.file)).toEqual([...DATABASES.map((name) => `${name}.dump`), 'redis.rdb']);
    for (const file of manifest.files) expect(await sha256(join(folder, file.file))).toBe(file.sha256);
    expect((await readFile(join(folder, 'auth.dump'))).subarray(0, 5).toString()).toBe('PGDMP');

    for (const name of DATABASES) await wipeDatabase(dbUrl(name));
    expect(Object.keys((await snapshotAll()).databases.portfolio as object)).not.toContain('public.portfolios');
    await redis.use(0, (client) => client.flushall());
    expect((await snapshotAll()).redis).toEqual({});

    const startedRestore = performance.now();
    const restore = await manage(['restore', folder, '--yes'], { REDIS_RESTORE_START_CMD: redis.startCommand });
    const restoreMs = performance.now() - startedRestore;
    expect(restore.stdout).toMatch(/\[8\/8\] restoring the Redis RDB .* \.\.\. 7 keys in/);
    expect(await snapshotAll()).toEqual(seeded);
    process.stdout.write(`backup round trip: backup ${Math.round(backupMs)} ms, restore ${Math.round(restoreMs)} ms\n`);
  });

  it('encrypts every file with the key from the environment and restores over changed data', async () => {
    const key = randomBytes(24).toString('base64');
    const before = await readdir(backupRoot);
    const backup = await manage(['backup'], { BACKUP_ENCRYPTION_KEY: key });
    expect(`${backup.stdout}${backup.stderr}`).not.toContain(key);
    const folder = await newBackupFolder(before);
    const files = await readdir(folder);
    expect(files.sort()).toEqual(['SHA256SUMS', 'manifest.json', ...[...DATABASES.map((name) => `${name}.dump.enc`), 'redis.rdb.enc'].sort()].sort());
    for (const file of files.filter((name) => name.endsWith('.enc'))) {
      expect((await readFile(join(folder, file))).subarray(0, 8).toString()).toBe('Salted__');
    }
    expect(JSON.parse(await readFile(join(folder, 'manifest.json'), 'utf8')).encryption).toMatch(/aes-256-cbc/);

    await runSql(
      dbUrl('portfolio'),
      `delete from transactions where id % 2 = 0; update portfolios set name = 'changed'; insert into portfolios (owner_id, name) values (gen_random_uuid(), 'new')`,
    );
    await runSql(dbUrl('timescale'), `truncate market_data.stock_prices; drop table events.audit`);
    await redis.use(2, (client) => client.flushdb());
    await redis.use(0, (client) => client.set('nexanest:cache:new', 'x'));
    const changed = await snapshotAll();
    expect(changed).not.toEqual(seeded);

    expect(await manageFails(['restore', folder, '--yes'])).toMatch(/encrypted: set BACKUP_ENCRYPTION_KEY/);
    expect(await manageFails(['restore', folder, '--yes'], { BACKUP_ENCRYPTION_KEY: 'not the key' })).toMatch(/wrong BACKUP_ENCRYPTION_KEY/);
    expect(await snapshotAll()).toEqual(changed);

    const restore = await manage(['restore', folder, '--yes'], { BACKUP_ENCRYPTION_KEY: key, REDIS_RESTORE_START_CMD: redis.startCommand });
    expect(`${restore.stdout}${restore.stderr}`).not.toContain(key);
    expect(await snapshotAll()).toEqual(seeded);
  });

  it('refuses a damaged backup and an unconfirmed restore, and leaves the data alone', async () => {
    const before = await readdir(backupRoot);
    await manage(['backup'], { BACKUP_SKIP_REDIS: '1' });
    const folder = await newBackupFolder(before);
    expect(await readdir(folder)).not.toContain('redis.rdb');
    const backedUp = await snapshotAll();
    await runSql(dbUrl('auth'), `delete from sessions where id > 100`);
    const changed = await snapshotAll();

    expect(await manageFails(['restore', folder])).toMatch(/pass --yes/);
    const damaged = `${folder}-damaged`;
    await cp(folder, damaged, { recursive: true });
    const dump = await readFile(join(damaged, 'auth.dump'));
    dump[dump.length - 10] = (dump[dump.length - 10] ?? 0) ^ 0xff;
    await writeFile(join(damaged, 'auth.dump'), dump);
    expect(await manageFails(['restore', damaged, '--yes'])).toMatch(/checksums do not match/);
    expect(await snapshotAll()).toEqual(changed);

    await manage(['restore', folder, '--yes']);
    expect(await snapshotAll()).toEqual(backedUp);
  });
});
