/**
 * The first UTC day whose ledger digest differs between what was last seen and what portfolio
 * reports now (a day added, removed or changed); null when they agree. A transaction recorded or
 * deleted with an earlier date changes its own day's digest, so snapshots are stale from there on.
 */
export function firstDifferentDay(before: Record<string, string>, after: Record<string, string>): string | null {
  const days = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return days.find((day) => before[day] !== after[day]) ?? null;
}
