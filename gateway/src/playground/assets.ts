import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';

const gzip = promisify(gzipCallback);

/** One built file, served from memory. */
export interface PlaygroundAsset {
  contentType: string;
  body: Buffer;
  /** The same bytes gzipped once at build time, for browsers that accept gzip. */
  gzipped: Buffer;
}

export interface PlaygroundAssets {
  /** Built files by name; names carry a content hash, so they may be cached forever. */
  files: Map<string, PlaygroundAsset>;
  script: string;
  stylesheet: string;
  /** Monaco's worker scripts by the label Monaco asks for. */
  workers: Record<string, string>;
  /** Total bytes of every file (plain and gzipped), and the time the build took. */
  bytes: number;
  gzippedBytes: number;
  buildMs: number;
}

const CLIENT_ENTRY = fileURLToPath(new URL('./client/main.ts', import.meta.url));

/** Monaco's language workers, by the label Monaco passes to `MonacoEnvironment.getWorker`. */
const WORKER_ENTRIES: Record<string, string> = {
  editorWorkerService: 'monaco-editor/esm/vs/editor/editor.worker.js',
  json: 'monaco-editor/esm/vs/language/json/json.worker.js',
  graphql: 'monaco-graphql/esm/graphql.worker.js',
};

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * Bundles GraphiQL, React and Monaco with esbuild into one script, one stylesheet (fonts inlined)
 * and three worker scripts, each also gzipped. esbuild is loaded only here, so a gateway without the playground
 * never loads it.
 */
export async function buildPlaygroundAssets(): Promise<PlaygroundAssets> {
  const started = performance.now();
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: { playground: CLIENT_ENTRY, ...Object.fromEntries(Object.entries(WORKER_ENTRIES).map(([label, path]) => [`${label}.worker`, path])) },
    absWorkingDir: fileURLToPath(new URL('.', import.meta.url)),
    bundle: true,
    write: false,
    outdir: 'out',
    entryNames: '[name]-[hash]',
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    // Fonts (Monaco's codicons included) become data: URLs: the page needs no other request for them.
    loader: { '.ttf': 'dataurl', '.woff': 'dataurl', '.woff2': 'dataurl' },
    define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
    logLevel: 'silent',
  });
  const files = new Map<string, PlaygroundAsset>();
  const entries: Record<string, string> = {};
  await Promise.all(
    result.outputFiles.map(async (output) => {
      const name = basename(output.path);
      const extension = name.slice(name.lastIndexOf('.'));
      const body = Buffer.from(output.contents);
      files.set(name, { contentType: CONTENT_TYPES[extension] ?? 'application/octet-stream', body, gzipped: await gzip(body) });
      entries[`${name.slice(0, name.lastIndexOf('-'))}${extension}`] = name;
    }),
  );
  const asset = (key: string) => {
    const name = entries[key];
    if (!name) throw new Error(`the playground build produced no ${key}`);
    return name;
  };
  return {
    files,
    script: asset('playground.js'),
    stylesheet: asset('playground.css'),
    workers: Object.fromEntries(Object.keys(WORKER_ENTRIES).map((label) => [label, asset(`${label}.worker.js`)])),
    bytes: [...files.values()].reduce((total, file) => total + file.body.length, 0),
    gzippedBytes: [...files.values()].reduce((total, file) => total + file.gzipped.length, 0),
    buildMs: Math.round(performance.now() - started),
  };
}

let cached: Promise<PlaygroundAssets> | undefined;

/**
 * The assets, built once per process on first use and kept in memory. A failed build is not
 * cached: the next request tries again.
 */
export function loadPlaygroundAssets(): Promise<PlaygroundAssets> {
  cached ??= buildPlaygroundAssets().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}
