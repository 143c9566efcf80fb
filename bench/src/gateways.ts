// The four gateways under test, each started as its own process group on a free port against the
// same subgraphs: ours, stock @apollo/gateway, Hive Gateway, Hive Gateway with the Rust planner.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { secrets } from './config.ts';
import { freePort } from '@nexanest/testing';
import { startProc, type Proc } from './procs.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BENCH = fileURLToPath(new URL('../', import.meta.url));

export type GatewayName =
  | 'nexanest'
  | 'nexanest-unbudgeted'
  | 'nexanest-default-young'
  | 'nexanest-entity-cache'
  | 'nexanest-no-entity-cache'
  | 'apollo-stock'
  | 'apollo-stock-our-flags'
  | 'hive'
  | 'hive-router';
/** `optional`: measured only when BENCH_GATEWAYS names it. */
export const GATEWAYS: { name: GatewayName; label: string; clusters: boolean; optional?: boolean }[] = [
  { name: 'nexanest', label: 'NexaNest gateway', clusters: true },
  // Ours without the heap budget of the Docker files: what the budget costs or saves, paired round by round.
  { name: 'nexanest-unbudgeted', label: 'NexaNest gateway, no heap budget', clusters: false, optional: true },
  // Ours with the heap budget but V8's default young generation (16 MB semi-spaces, the default
  // before the Docker files set 32): what the larger young generation pays, paired round by round.
  { name: 'nexanest-default-young', label: 'NexaNest gateway, default young generation', clusters: false, optional: true },
  // Ours with its entity cache set on, and set off (GATEWAY_ENTITY_CACHE; on by default since commit
  // a1784f3, off before): what the cache of public entities pays, paired round by round.
  { name: 'nexanest-entity-cache', label: 'NexaNest gateway, entity cache on', clusters: false, optional: true },
  { name: 'nexanest-no-entity-cache', label: 'NexaNest gateway, entity cache off', clusters: false, optional: true },
  { name: 'apollo-stock', label: 'stock @apollo/gateway', clusters: true },
  // The stock gateway under the V8 heap flags ours runs with: how much of our lead those flags are.
  { name: 'apollo-stock-our-flags', label: 'stock @apollo/gateway, our V8 heap flags', clusters: false, optional: true },
  { name: 'hive', label: 'Hive Gateway', clusters: true },
  { name: 'hive-router', label: 'Hive Gateway --hive-router-runtime', clusters: true },
];

const OLD_SPACE = '--max-old-space-size=256';

export interface Subgraphs {
  services: Record<string, string>;
  /** The subgraphs' process, for the CPU they spend per request. */
  pid?: number;
  redisUrl: string;
  namespace: string;
}

/** The committed supergraph with the routing URLs of this run's subgraphs, for the peers. */
export function writeSupergraph(services: Record<string, string>, path: string): void {
  let sdl = readFileSync(`${ROOT}schema/supergraph.graphql`, 'utf8');
  for (const [name, url] of Object.entries(services)) {
    sdl = sdl.replace(new RegExp(`(@join__graph\\(name: "${name}", url: ")[^"]*(")`), `$1${url}$2`);
  }
  writeFileSync(path, sdl);
}

export interface RunningGateway {
  url: string;
  proc: Proc;
  command: string;
}

export async function startGateway(
  name: GatewayName,
  workers: number,
  subgraphs: Subgraphs,
  supergraphPath: string,
  nodeArgs: string[] = [],
): Promise<RunningGateway> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', LOG_LEVEL: 'warn', ...secrets };
  const node = process.execPath;
  let args: string[];
  let cwd = BENCH;
  // As the Docker files run ours: a heap budget of 256 MB and semi-spaces of 32 MB (README, "Each
  // service can also run as its own process"). BENCH_HEAP_FLAGS: other V8 heap flags for ours, to
  // try them before they go into the Docker files.
  const heapFlags = (process.env.BENCH_HEAP_FLAGS ?? `${OLD_SPACE} --max-semi-space-size=32`).split(' ').filter(Boolean);
  if (name.startsWith('nexanest')) {
    cwd = ROOT;
    const budget = name === 'nexanest-unbudgeted' ? [] : name === 'nexanest-default-young' ? [OLD_SPACE] : heapFlags;
    if (name === 'nexanest-entity-cache') env.GATEWAY_ENTITY_CACHE = 'on';
    if (name === 'nexanest-no-entity-cache') env.GATEWAY_ENTITY_CACHE = 'off';
    args = [...nodeArgs, ...budget, '--import', 'tsx', 'gateway/src/main.ts'];
    Object.assign(env, {
      GATEWAY_PORT: String(port),
      GATEWAY_WORKERS: String(workers),
      REDIS_URL: subgraphs.redisUrl,
      NEXANEST_NAMESPACE: subgraphs.namespace,
      ...Object.fromEntries(Object.entries(subgraphs.services).map(([service, url]) => [`${service.toUpperCase()}_SUBGRAPH_URL`, url])),
    });
  } else if (name.startsWith('apollo-stock')) {
    args = [...nodeArgs, ...(name === 'apollo-stock-our-flags' ? heapFlags : []), '--import', 'tsx', 'src/peers/apollo-stock.ts'];
    Object.assign(env, { PORT: String(port), WORKERS: String(workers), SUPERGRAPH_PATH: supergraphPath });
  } else {
    args = [
      'node_modules/@graphql-hive/gateway/dist/bin.js',
      'supergraph',
      supergraphPath,
      '-c',
      'src/peers/gateway.config.ts',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--fork',
      String(workers),
      ...(name === 'hive-router' ? ['--hive-router-runtime'] : []),
    ];
  }
  const proc = startProc(node, args, { cwd, env });
  const url = `http://127.0.0.1:${port}/graphql`;
  const workersEnv = name.startsWith('nexanest')
    ? `${env.GATEWAY_ENTITY_CACHE ? `GATEWAY_ENTITY_CACHE=${env.GATEWAY_ENTITY_CACHE} ` : ''}GATEWAY_WORKERS=${workers} `
    : name.startsWith('apollo-stock')
      ? `WORKERS=${workers} `
      : '';
  return { url, proc, command: `(cd ${cwd === ROOT ? '.' : 'bench'} && ${workersEnv}node ${args.join(' ')})` };
}

/** Waits until the gateway answers `check` with data and no errors. */
export async function waitUntilAnswering(gateway: RunningGateway, check: () => Promise<string | null>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (gateway.proc.child.exitCode !== null) throw new Error(`gateway exited: ${gateway.proc.output()}`);
    try {
      const problem = await check();
      if (problem === null) return;
      last = problem;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`gateway at ${gateway.url} not answering: ${last}\n${gateway.proc.output()}`);
}
