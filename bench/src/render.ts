// npm run report (in bench/): writes RESULTS.md again from the last run's results.json, e.g.
// after a change to the report's layout. The CPU profile is summarised again when its file is
// still in bench/.run/profile/ (only the load window: the last BENCH_DURATION seconds).
import { existsSync, readFileSync } from 'node:fs';
import { BENCH } from './gateways.ts';
import { summariseProfile } from './profile.ts';
import { type Results, writeResults } from './report.ts';

const raw = JSON.parse(readFileSync(`${BENCH}results.json`, 'utf8')) as Results & { startedAt: string; finishedAt?: string; settings: { parts: string[] } };
const results = {
  ...raw,
  startedAt: new Date(raw.startedAt),
  finishedAt: raw.finishedAt ? new Date(raw.finishedAt) : undefined,
  settings: { ...raw.settings, parts: new Set(raw.settings.parts) },
} as Results;
const profileDir = `${BENCH}.run/profile`;
if (results.gateways?.profile && existsSync(profileDir)) {
  results.gateways.profile = summariseProfile(profileDir, results.settings.durationSeconds) ?? results.gateways.profile;
}
console.log(`Wrote ${writeResults(results)}`);
