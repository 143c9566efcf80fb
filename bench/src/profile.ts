// A CPU profile (`node --cpu-prof`) of our gateway under the Dashboard load, summarised as the
// functions with the most self time: what limits it, for RESULTS.md.
import { readdirSync, readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export interface ProfileSummary {
  /** The gateway profiled (ours unless BENCH_PROFILE named a peer). */
  gateway: string;
  file: string;
  samples: number;
  /** Samples with the process idle (waiting on I/O: the database, Redis, sockets), left out of the percentages. */
  idleSamples: number;
  top: { name: string; where: string; percent: number }[];
  /** Self time by package (node_modules/<pkg>, our source folders, node internals). */
  byArea: { area: string; percent: number }[];
}

const areaOf = (url: string) => {
  if (!url) return '(native / gc / idle)';
  if (url.startsWith('node:')) return 'node internals';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg;
  const own = /\/(gateway|packages\/[^/]+|subgraphs\/[^/]+)\//.exec(url)?.[1];
  return own ?? url.replace(/^.*\//, '');
};

/**
 * `lastSeconds`: only the samples of the profile's last seconds (the load window before the
 * gateway was stopped), so start-up (module loading, compiling) does not count.
 */
export function summariseProfile(dir: string, lastSeconds?: number, gateway = 'nexanest'): ProfileSummary | null {
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  return file ? summariseProfileFile(`${dir}/${file}`, lastSeconds, gateway) : null;
}

/** `summariseProfile` of one `.cpuprofile` file. */
export function summariseProfileFile(path: string, lastSeconds?: number, gateway = 'nexanest'): ProfileSummary {
  const file = path.replace(/^.*\//, '');
  const profile = JSON.parse(readFileSync(path, 'utf8')) as { nodes: ProfileNode[]; samples?: number[]; timeDeltas?: number[] };
  const counted = countHits(profile, lastSeconds);
  const self = new Map<string, { name: string; where: string; hits: number }>();
  const areas = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const node of profile.nodes) {
    const hits = counted.get(node.id) ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    // Percentages are of the time the gateway was busy: idle samples are left out.
    if (functionName === '(idle)') idle += hits;
    if (!hits || functionName === '(idle)') continue;
    total += hits;
    const where = url ? `${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(gateway|packages|subgraphs)\//, '$1/')}:${lineNumber + 1}` : '';
    const key = `${functionName}|${where}`;
    const entry = self.get(key) ?? { name: functionName || '(anonymous)', where, hits: 0 };
    entry.hits += hits;
    self.set(key, entry);
    const area = areaOf(url);
    areas.set(area, (areas.get(area) ?? 0) + hits);
  }
  const percent = (hits: number) => (100 * hits) / Math.max(1, total);
  return {
    gateway,
    file,
    samples: total,
    idleSamples: idle,
    top: [...self.values()]
      .sort((a, b) => b.hits - a.hits)
      .slice(0, 15)
      .map((e) => ({ name: e.name, where: e.where, percent: percent(e.hits) })),
    byArea: [...areas.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([area, hits]) => ({ area, percent: percent(hits) })),
  };
}

/** Hits per node id, from the sample list (restricted to the last seconds when asked). */
function countHits(profile: { nodes: ProfileNode[]; samples?: number[]; timeDeltas?: number[] }, lastSeconds?: number): Map<number, number> {
  const hits = new Map<number, number>();
  const { samples, timeDeltas } = profile;
  if (!samples || !timeDeltas || lastSeconds === undefined) {
    for (const node of profile.nodes) hits.set(node.id, node.hitCount ?? 0);
    return hits;
  }
  const times: number[] = [];
  let t = 0;
  for (const delta of timeDeltas) {
    t += delta;
    times.push(t);
  }
  const from = t - lastSeconds * 1_000_000;
  samples.forEach((id, i) => {
    if ((times[i] ?? 0) >= from) hits.set(id, (hits.get(id) ?? 0) + 1);
  });
  return hits;
}
