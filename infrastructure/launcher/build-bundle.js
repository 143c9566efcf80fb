// @ts-check
// One esbuild run: the launcher and every workspace source it imports, as ES modules in one
// directory; dependencies stay external (see external-imports.js).
import { readFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { dirname, extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { externalImport } from './external-imports.js';
import { LauncherBundleError } from './launcher-bundle-error.js';
import { hashBytes } from './source-state.js';

/** Our workspace packages, consumed as TypeScript source: bundled. */
const WORKSPACE_SCOPE = '@nexanest/';

/** @type {Record<string, import('esbuild').Loader>} */
const LOADERS = { '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.tsx': 'tsx', '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.jsx': 'jsx' };

/**
 * A source as it would run unbundled: `import.meta.url` becomes the source file's own URL, so
 * files read next to it (schema.graphql, migrations, data) are found where they are.
 * @param {string} path
 * @param {string} text
 */
export function pinImportMeta(path, text) {
  const pinned = text.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(path).href));
  const left = /\bimport\.meta\b.{0,20}/.exec(pinned);
  if (left) throw new LauncherBundleError('UNSUPPORTED_IMPORT_META', `${path}: only import.meta.url can be bundled, found "${left[0]}"`);
  return pinned;
}

/**
 * @param {{ root: string, entry: string, outDir: string }} options
 * @returns {Promise<{ entry: string, sources: Record<string, string | null> }>} the entry file written, and every
 *   source bundled (absolute path) with the hash of what was read, when known
 */
export async function buildBundle({ root, entry, outDir }) {
  const esbuild = await import('esbuild');
  /** Hash of each source as it was read for the bundle: a change during the build is not missed. */
  const loaded = new Map();
  /** @type {import('esbuild').Plugin} */
  const workspaceOnly = {
    name: 'nexanest-workspace-only',
    setup(build) {
      build.onResolve({ filter: /^[^./#]/ }, (args) => {
        if (args.path.startsWith(WORKSPACE_SCOPE)) return undefined;
        if (isBuiltin(args.path)) return { path: args.path, external: true };
        return { path: externalImport(args.path, args.resolveDir, outDir), external: true };
      });
      build.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, async (args) => {
        const loader = LOADERS[extname(args.path)];
        if (!loader || args.path.split(/[\\/]/).includes('node_modules')) return undefined;
        const bytes = await readFile(args.path);
        loaded.set(args.path, hashBytes(bytes));
        return { contents: pinImportMeta(args.path, bytes.toString('utf8')), loader, resolveDir: dirname(args.path) };
      });
    },
  };
  const top = resolve(root);
  const result = await esbuild
    .build({
      absWorkingDir: top,
      entryPoints: { launcher: resolve(entry) },
      outdir: outDir,
      bundle: true,
      // The launcher imports the services dynamically to load them while PostgreSQL starts; split,
      // their dependencies are still imported only then.
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      chunkNames: 'chunks/[name]-[hash]',
      // Stack traces name the TypeScript sources, as under tsx.
      sourcemap: 'linked',
      sourcesContent: false,
      metafile: true,
      logLevel: 'silent',
      plugins: [workspaceOnly],
    })
    .catch((/** @type {unknown} */ error) => {
      if (error instanceof LauncherBundleError) throw error;
      const pluginError = /** @type {{ errors?: { detail?: unknown }[] }} */ (error).errors?.find((e) => e.detail instanceof LauncherBundleError)?.detail;
      if (pluginError instanceof LauncherBundleError) throw pluginError;
      throw new LauncherBundleError('BUILD_FAILED', error instanceof Error ? error.message : String(error), { cause: error });
    });
  const sources = Object.fromEntries(Object.keys(result.metafile.inputs).map((path) => [resolve(top, path), loaded.get(resolve(top, path)) ?? null]));
  const written = Object.entries(result.metafile.outputs).find(([, output]) => output.entryPoint);
  if (!written) throw new LauncherBundleError('BUILD_FAILED', 'esbuild wrote no entry file');
  return { entry: resolve(top, written[0]), sources };
}
