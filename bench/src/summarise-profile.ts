// Prints a CPU profile taken outside a bench run as the markdown tables RESULTS.md gives for the
// gateway's: self time by area, and the functions with the most self time (idle left out).
// For the in-repo benches' profiles (`npm run bench:fanout -- --profile DIR`, or
// `node --cpu-prof --import tsx infrastructure/bench/ingest.ts`). From bench/:
//   npx tsx src/summarise-profile.ts FILE.cpuprofile [LAST_SECONDS]
import { summariseProfileFile } from './profile.ts';

const [path, last] = process.argv.slice(2);
if (!path) {
  console.error('usage: tsx src/summarise-profile.ts FILE.cpuprofile [LAST_SECONDS]');
  process.exit(2);
}
const summary = summariseProfileFile(path, last === undefined ? undefined : Number(last), '');
const busy = (100 * summary.samples) / Math.max(1, summary.samples + summary.idleSamples);
console.log(
  `${summary.samples} busy samples and ${summary.idleSamples} idle (${busy.toFixed(1)}% busy; ${summary.file}${last === undefined ? '' : `, its last ${last} s`})\n`,
);
console.log('| area | self time |\n| --- | ---: |');
for (const { area, percent } of summary.byArea) console.log(`| ${area} | ${percent.toFixed(1)}% |`);
console.log('\n| function | where | self time |\n| --- | --- | ---: |');
for (const { name, where, percent } of summary.top) console.log(`| \`${name}\` | ${where} | ${percent.toFixed(1)}% |`);
