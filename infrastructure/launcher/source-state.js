// @ts-check
// What a launcher bundle was built from, as content hashes: comparing it again is how a stale
// bundle is refused. Hashes, not modification times: a checkout, a stash or a copy can leave a
// file changed with any mtime, and hashing the few hundred sources takes milliseconds.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * @typedef {object} SourceState
 * @property {Record<string, string | null>} files  content hash per file (null: absent), relative to the root
 * @property {Record<string, string | null>} dirs  hash of the sorted entry names per directory (null: absent)
 */

/** Files beside a source that change how it is compiled or resolved. */
const RESOLUTION_FILES = ['package.json', 'tsconfig.json'];

/** @param {Uint8Array} bytes */
export const hashBytes = (bytes) => createHash('sha256').update(bytes).digest('base64url');

/** @param {string} path */
function hashFile(path) {
  try {
    return hashBytes(readFileSync(path));
  } catch {
    return null;
  }
}

/** @param {string} path */
function hashListing(path) {
  try {
    return createHash('sha256').update(readdirSync(path).sort().join('\n')).digest('base64url');
  } catch {
    return null;
  }
}

/**
 * The state of `sources` and of what decides how they resolve: the entries of every directory
 * holding one (a file added beside an import can change what it resolves to), the package.json
 * and tsconfig.json of each directory up to the root, and the `extra` files (the build recipe,
 * lock files).
 * @param {string} root
 * @param {Readonly<Record<string, string | null>>} sources absolute paths, each with its hash when already known
 * @param {readonly string[]} extra absolute or root-relative paths
 * @returns {SourceState}
 */
export function describeSources(root, sources, extra) {
  const top = resolve(root);
  const inside = (/** @type {string} */ dir) => dir === top || dir.startsWith(`${top}${sep}`);
  const files = new Set(extra.map((path) => resolve(top, path)));
  const dirs = new Set();
  for (const source of Object.keys(sources)) {
    const path = resolve(top, source);
    files.add(path);
    dirs.add(dirname(path));
    for (let dir = dirname(path); inside(dir); dir = dirname(dir)) {
      for (const name of RESOLUTION_FILES) files.add(join(dir, name));
      if (dir === top) break;
    }
  }
  return {
    files: Object.fromEntries([...files].sort().map((path) => [relative(top, path), sources[path] ?? hashFile(path)])),
    dirs: Object.fromEntries([...dirs].sort().map((path) => [relative(top, path), hashListing(path)])),
  };
}

/**
 * True when every file and directory recorded in `state` still hashes the same.
 * @param {string} root
 * @param {SourceState} state
 */
export function sourcesUnchanged(root, state) {
  const top = resolve(root);
  for (const [path, hash] of Object.entries(state.files)) if (hashFile(resolve(top, path)) !== hash) return false;
  for (const [path, hash] of Object.entries(state.dirs)) if (hashListing(resolve(top, path)) !== hash) return false;
  return true;
}
