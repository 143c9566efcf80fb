// @ts-check
// npm start: runs the launcher (infrastructure/src/start.ts) from a bundle of it and every
// workspace source it imports, so a start spends no time transpiling TypeScript. The bundle is
// cached under node_modules/.cache and rebuilt whenever anything it was built from changed; when
// it cannot be built, or NEXANEST_LAUNCHER_BUNDLE=off, the sources run through tsx as before.
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const source = fileURLToPath(new URL('../src/start.ts', import.meta.url));
const here = fileURLToPath(new URL('.', import.meta.url));

// As the launcher does, so that NEXANEST_LAUNCHER_BUNDLE may be set there too (a variable already set wins).
if (existsSync('.env')) process.loadEnvFile('.env');

/** @returns {Promise<string>} the URL to import */
async function launcherUrl() {
  if (process.env.NEXANEST_LAUNCHER_BUNDLE === 'off') return fromSource();
  try {
    const { prepareLauncherBundle } = await import('./launcher-bundle.js');
    const recipe = [...readdirSync(here).map((name) => `${here}${name}`), 'package-lock.json', 'node_modules/.package-lock.json'];
    const { url, built } = await prepareLauncherBundle({ root, entry: source, cacheDir: `${root}node_modules/.cache/nexanest/launcher`, recipe });
    if (built) process.stdout.write('Built the launcher bundle from the sources (reused until one of them changes).\n');
    // Stack traces name the TypeScript sources, as under tsx.
    process.setSourceMapsEnabled(true);
    return url;
  } catch (error) {
    process.stderr.write(`warning: no launcher bundle (${error instanceof Error ? error.message : String(error)}); running the sources through tsx.\n`);
    return fromSource();
  }
}

async function fromSource() {
  const { register } = await import('tsx/esm/api');
  register();
  return pathToFileURL(source).href;
}

await import(await launcherUrl());
