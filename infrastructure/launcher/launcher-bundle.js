// @ts-check
// The launcher bundle's cache: one manifest naming the current build and what it was built from.
// A build is used only while every one of its sources still hashes the same; otherwise a new one
// is written beside it and the manifest switched over, so a process still loading the old one is
// not disturbed.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildBundle } from './build-bundle.js';
import { describeSources, sourcesUnchanged } from './source-state.js';

const FORMAT = 1;
/** Older builds are removed after this long: a process started from one has loaded all of it. */
const OLD_BUILD_MS = 60_000;

/**
 * @typedef {object} Manifest
 * @property {number} format
 * @property {string} root
 * @property {string} entry  the source entry
 * @property {string} bundle  the entry file of the build
 * @property {import('./source-state.js').SourceState} state
 */

/**
 * @typedef {object} LauncherBundleOptions
 * @property {string} root  the repository: paths are recorded relative to it
 * @property {string} entry  the TypeScript entry (the launcher)
 * @property {string} cacheDir  where builds and the manifest live
 * @property {readonly string[]} [recipe]  further files whose change calls for a rebuild (the build code, lock files)
 */

/** @param {string} cacheDir @returns {Manifest | null} */
function readManifest(cacheDir) {
  try {
    return JSON.parse(readFileSync(join(cacheDir, 'manifest.json'), 'utf8'));
  } catch {
    return null;
  }
}

/** @param {Manifest | null} manifest @param {LauncherBundleOptions} options */
function isFresh(manifest, { root, entry }) {
  return (
    manifest !== null &&
    manifest.format === FORMAT &&
    manifest.root === resolve(root) &&
    manifest.entry === resolve(entry) &&
    existsSync(manifest.bundle) &&
    sourcesUnchanged(root, manifest.state)
  );
}

/** @param {string} buildsDir @param {string} keep */
function removeOldBuilds(buildsDir, keep) {
  for (const name of readdirSync(buildsDir)) {
    const path = join(buildsDir, name);
    if (path === keep) continue;
    try {
      if (Date.now() - statSync(path).mtimeMs > OLD_BUILD_MS) rmSync(path, { recursive: true, force: true });
    } catch {}
  }
}

/**
 * The URL of a launcher bundle built from the current sources: the cached one when nothing it was
 * built from changed, else a new build.
 * @param {LauncherBundleOptions} options
 * @returns {Promise<{ url: string, built: boolean }>}
 */
export async function prepareLauncherBundle(options) {
  const root = resolve(options.root);
  const cacheDir = resolve(options.cacheDir);
  const current = readManifest(cacheDir);
  if (current && isFresh(current, options)) return { url: pathToFileURL(current.bundle).href, built: false };

  const buildsDir = join(cacheDir, 'builds');
  const outDir = join(buildsDir, `${Date.now()}-${process.pid}`);
  mkdirSync(outDir, { recursive: true });
  const { entry: bundle, sources } = await buildBundle({ root, entry: options.entry, outDir }).catch((/** @type {unknown} */ error) => {
    rmSync(outDir, { recursive: true, force: true });
    throw error;
  });
  /** @type {Manifest} */
  const manifest = { format: FORMAT, root, entry: resolve(options.entry), bundle, state: describeSources(root, sources, options.recipe ?? []) };
  // Written whole, then renamed: a concurrent start reads the old manifest or the new one.
  const staged = join(cacheDir, `manifest.${process.pid}.json`);
  writeFileSync(staged, JSON.stringify(manifest));
  renameSync(staged, join(cacheDir, 'manifest.json'));
  removeOldBuilds(buildsDir, outDir);
  return { url: pathToFileURL(bundle).href, built: true };
}
