import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const INFRA = resolve(import.meta.dirname, '..');
const compose = (file: string) => resolve(INFRA, 'docker', file);

const hasDockerCompose = (() => {
  try {
    execFileSync('docker-compose', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** The variables of infrastructure/.env.db.example: what an operator copies and fills in. */
function exampleEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(resolve(INFRA, '.env.db.example'), 'utf8').split('\n')) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) env[match[1] as string] = match[2] as string;
  }
  return env;
}

/** The swarm file runs against external servers: their URLs come from the environment. */
const externalServers = {
  AUTH_DATABASE_URL: 'postgres://postgres:secret@db.internal:5432/auth',
  PORTFOLIO_DATABASE_URL: 'postgres://postgres:secret@db.internal:5432/portfolio',
  ANALYTICS_DATABASE_URL: 'postgres://postgres:secret@db.internal:5432/analytics',
  NOTIFICATIONS_DATABASE_URL: 'postgres://postgres:secret@db.internal:5432/notifications',
  TIMESCALE_DATABASE_URL: 'postgres://postgres:secret@tsdb.internal:5432/timescale',
  REDIS_URL: 'redis://:secret@redis.internal:6379',
};

/** docker-compose config with only the given variables (nothing from the developer's shell). */
const config = (file: string, env: Record<string, string>, ...args: string[]) =>
  run('docker-compose', ['-f', compose(file), 'config', ...args], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env } });

const FILES = {
  'docker-compose.db.yml': exampleEnv,
  'docker-compose.yml': exampleEnv,
  'docker-compose.swarm.yml': () => ({ ...exampleEnv(), ...externalServers }),
};

describe('compose files', () => {
  it('has docker-compose to validate them with (required in CI)', () => {
    if (process.env.CI) expect(hasDockerCompose, 'CI must install docker-compose (.ci/run does)').toBe(true);
  });

  for (const [file, env] of Object.entries(FILES)) {
    it.skipIf(!hasDockerCompose)(`${file} validates with the variables of .env.db.example`, async () => {
      await expect(config(file, env(), '-q')).resolves.toBeDefined();
    });
  }

  it.skipIf(!hasDockerCompose)('refuses to render without the passwords it needs', async () => {
    const { APP_DB_PASSWORD: _omitted, ...withoutAppPassword } = exampleEnv();
    await expect(config('docker-compose.db.yml', withoutAppPassword, '-q')).rejects.toMatchObject({ stderr: expect.stringMatching(/APP_DB_PASSWORD/) });
  });

  it.skipIf(!hasDockerCompose)('runs every service of the whole stack, with the database files mounted', async () => {
    const { stdout } = await config('docker-compose.yml', exampleEnv(), '--services');
    expect(stdout.trim().split('\n').sort()).toEqual([
      'analytics',
      'auth',
      'gateway',
      'market',
      'notifications',
      'portfolio',
      'postgres',
      'redis',
      'timescale',
    ]);
    const { stdout: rendered } = await config('docker-compose.db.yml', exampleEnv());
    for (const mounted of ['postgres.conf', '01-databases.sql', '02-timescale.sql', '03-app-role.sh', 'redis.conf', 'pgadmin-servers.json']) {
      expect(rendered).toContain(resolve(INFRA, 'database', mounted.endsWith('.sql') || mounted.endsWith('.sh') ? `init/${mounted}` : mounted));
    }
  });

  it('runs the gateway with the same Node flags in the image and both compose files, a heap budget among them', () => {
    const dockerfile = readFileSync(compose('Dockerfile'), 'utf8');
    const image = /^CMD (\[.*\])$/m.exec(dockerfile)?.[1];
    expect(image).toBeDefined();
    const commands = ['docker-compose.yml', 'docker-compose.swarm.yml'].map((file) => {
      const text = readFileSync(compose(file), 'utf8');
      const gateway = text.slice(text.indexOf('\n  gateway:'));
      return /command: (\[.*\])/.exec(gateway)?.[1];
    });
    for (const command of commands) expect(command && JSON.parse(command)).toEqual(JSON.parse(image as string));
    const args = JSON.parse(image as string) as string[];
    expect(args.at(-1)).toBe('gateway/src/main.ts');
    expect(args.some((arg) => arg.startsWith('--max-old-space-size='))).toBe(true);
  });
});
