// @ts-check
// Dependencies stay outside the launcher bundle, so Node resolves them when it runs, from where
// the bundle lies instead of from the source file that imported them. Most resolve to the same
// package either way; a copy nested in one workspace's node_modules (gateway's own
// @apollo/utils.keyvaluecache, say) would not, and is imported by its file instead.
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LauncherBundleError } from './launcher-bundle-error.js';

/** @param {string} specifier a bare specifier: `pkg`, `pkg/sub`, `@scope/pkg/sub` */
export function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/**
 * The directory Node finds package `name` in when imported from `fromDir`: the first
 * node_modules/<name> on the way up; null when there is none.
 * @param {string} name
 * @param {string} fromDir
 */
export function findPackageDir(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    try {
      if (statSync(candidate).isDirectory()) return candidate;
    } catch {}
    if (dirname(dir) === dir) return null;
  }
}

/** @param {unknown} exportsField */
function hasModuleConditions(exportsField) {
  return /"(import|require|module-sync)"\s*:/.test(JSON.stringify(exportsField ?? null));
}

/**
 * How the bundle, written under `bundleDir`, must import `specifier` so that Node loads the file
 * it would load for the source in `importerDir`: the specifier itself when both find the same
 * package (Node then resolves inside it exactly as before), else that file's URL.
 * @param {string} specifier
 * @param {string} importerDir
 * @param {string} bundleDir
 */
export function externalImport(specifier, importerDir, bundleDir) {
  const name = packageName(specifier);
  const own = findPackageDir(name, importerDir);
  // Missing, or found the same way from the bundle: left to Node, as from the source.
  if (own === null || own === findPackageDir(name, bundleDir)) return specifier;
  const manifest = JSON.parse(readFileSync(join(own, 'package.json'), 'utf8'));
  // require's resolution is the one Node gives us without flags; it matches import's only when the
  // package does not choose files by import or require condition.
  if (hasModuleConditions(manifest.exports))
    throw new LauncherBundleError('AMBIGUOUS_DEPENDENCY', `${specifier} (${own}) chooses files by condition; cannot import it by path`);
  return pathToFileURL(createRequire(join(importerDir, 'importer.js')).resolve(specifier)).href;
}
