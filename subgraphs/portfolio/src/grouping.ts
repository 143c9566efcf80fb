import { idKey } from './ids.ts';

/** Rows grouped under the keys they belong to, in key order (an empty list for a key without rows). */
export function groupBy<T>(keys: readonly string[], rows: readonly T[], keyOf: (row: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return keys.map((key) => groups.get(idKey(key)) ?? []);
}

/** The row of each key, in key order; null for a key without one. */
export function pick<T>(keys: readonly string[], rows: readonly T[], keyOf: (row: T) => string): (T | null)[] {
  const byKey = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => byKey.get(idKey(key)) ?? null);
}

/** Rows grouped by key, as a map with an entry (maybe empty) for every key: what the cache stores. */
export function groupMap<T>(keys: readonly string[], rows: readonly T[], keyOf: (row: T) => string): Map<string, T[]> {
  const groups = groupBy(keys, rows, keyOf);
  return new Map(keys.map((key, i) => [key, groups[i] ?? []]));
}
