import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { pinImportMeta } from '../launcher/build-bundle.js';
import { LauncherBundleError } from '../launcher/launcher-bundle-error.js';
import { prepareLauncherBundle } from '../launcher/launcher-bundle.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');

/**
 * A small workspace laid out as ours: an entry, a workspace package linked into node_modules and
 * holding its own copy of a dependency the root has in another version, a file read beside a
 * source through import.meta.url.
 */
const FIXTURE: Record<string, string> = {
  'package.json': '{ "type": "module" }',
  'src/entry.ts': [
    "import { readFileSync } from 'node:fs';",
    "import { depVersion } from '@nexanest/pkg';",
    "import { word } from './word.ts';",
    "export const seen = { word, depVersion, note: readFileSync(new URL('./note.txt', import.meta.url), 'utf8') };",
  ].join('\n'),
  'src/word.ts': "export const word: string = 'first';",
  'src/note.txt': 'beside the source',
  'pkg/package.json': '{ "name": "@nexanest/pkg", "type": "module", "exports": { ".": "./src/index.ts" } }',
  'pkg/src/index.ts': "import dep from 'dep';\nexport const depVersion: number = dep.version;",
  'pkg/node_modules/dep/package.json': '{ "name": "dep", "version": "2.0.0", "main": "index.js" }',
  'pkg/node_modules/dep/index.js': 'module.exports = { version: 2 };',
  'node_modules/dep/package.json': '{ "name": "dep", "version": "1.0.0", "main": "index.js" }',
  'node_modules/dep/index.js': 'module.exports = { version: 1 };',
};

let root: string;
const made: string[] = [];

async function makeFixture(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'nexanest-launcher-'));
  made.push(dir);
  for (const [path, text] of Object.entries(FIXTURE)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  await mkdir(join(dir, 'node_modules/@nexanest'), { recursive: true });
  await symlink('../../pkg', join(dir, 'node_modules/@nexanest/pkg'));
  return dir;
}

const prepare = () => prepareLauncherBundle({ root, entry: join(root, 'src/entry.ts'), cacheDir: join(root, 'node_modules/.cache/launcher') });

/** What the bundle exports, as plain `node` (no tsx) sees it. */
async function runBundle(url: string): Promise<Record<string, unknown>> {
  const script = `const { seen } = await import(${JSON.stringify(url)}); process.stdout.write(JSON.stringify(seen));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script]);
  return JSON.parse(stdout);
}

beforeEach(async () => {
  root = await makeFixture();
});

afterAll(async () => {
  for (const dir of made) await rm(dir, { recursive: true, force: true });
});

describe('launcher bundle', () => {
  it('runs with plain node as the sources would: files beside a source, a workspace package and its own copy of a dependency', async () => {
    const { url, built } = await prepare();
    expect(built).toBe(true);
    expect(await runBundle(url)).toEqual({ word: 'first', depVersion: 2, note: 'beside the source' });
  });

  it('is reused while nothing it was built from changed', async () => {
    const first = await prepare();
    const again = await prepare();
    expect(again).toEqual({ url: first.url, built: false });
  });

  it('is rebuilt when a source changed, and the new one runs the new source', async () => {
    const first = await prepare();
    await writeFile(join(root, 'src/word.ts'), "export const word: string = 'second';");
    const next = await prepare();
    expect(next.built).toBe(true);
    expect(next.url).not.toBe(first.url);
    expect(await runBundle(next.url)).toMatchObject({ word: 'second' });
  });

  it('is rebuilt when a workspace package.json changed or a file appeared beside a source', async () => {
    await prepare();
    await writeFile(join(root, 'pkg/package.json'), FIXTURE['pkg/package.json']?.replace('"type"', '"private": true, "type"') ?? '');
    expect((await prepare()).built).toBe(true);
    await writeFile(join(root, 'src/word.js'), "export const word = 'shadow';");
    expect((await prepare()).built).toBe(true);
  });

  it('is rebuilt when the manifest names a build that is gone', async () => {
    const { url } = await prepare();
    await rm(new URL('.', url), { recursive: true });
    const next = await prepare();
    expect(next.built).toBe(true);
    expect(await runBundle(next.url)).toMatchObject({ word: 'first' });
  });

  it('refuses import.meta other than import.meta.url, which a bundle cannot keep', () => {
    const attempt = () => pinImportMeta('/repo/src/a.ts', 'const here = import.meta.dirname;');
    expect(attempt).toThrow(LauncherBundleError);
    expect(attempt).toThrow(/import\.meta\.dirname/);
  });
});

describe('the real launcher', () => {
  it('bundles infrastructure/src/start.ts with every import.meta.url pinned to its source file', async () => {
    const cacheDir = join(ROOT, 'node_modules/.cache/nexanest', `launcher-test-${process.pid}`);
    made.push(cacheDir);
    const { url } = await prepareLauncherBundle({ root: ROOT, entry: join(ROOT, 'infrastructure/src/start.ts'), cacheDir });
    const buildDir = new URL('.', url);
    const chunks = await readdir(new URL('chunks/', buildDir));
    const code = (
      await Promise.all(
        [url, ...chunks.filter((name) => name.endsWith('.js')).map((name) => new URL(`chunks/${name}`, buildDir))].map((file) =>
          readFile(new URL(file), 'utf8'),
        ),
      )
    ).join('\n');
    expect(code).not.toMatch(/\bimport\.meta\b/);
    expect(code).toContain(JSON.stringify(new URL('subgraphs/market/src/start.ts', `file://${ROOT}/`).href));
  });
});
