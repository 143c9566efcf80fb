import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ: the unit of the CPU times in /proc/<pid>/stat on Linux. */
const TICKS_PER_S = 100;

export interface ProcStat {
  pid: number;
  /** The executable's name as the kernel keeps it (`postgres`, `redis-server`, `node`). */
  command: string;
  /** One-letter state; `Z` for a zombie (exited, waiting for its parent to reap it). */
  state: string;
  ppid: number;
  pgid: number;
  /** User + system CPU seconds of all its threads. */
  cpu: number;
}

/** /proc/<pid>/stat of every process now, for benches (those that vanish while being read are left out). */
export function processStats(): ProcStat[] {
  const stats: ProcStat[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      stats.push({
        pid: Number(entry),
        command: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
        state: fields[0] ?? '',
        ppid: Number(fields[1]),
        pgid: Number(fields[2]),
        cpu: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S,
      });
    } catch {}
  }
  return stats;
}
