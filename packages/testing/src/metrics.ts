/**
 * The value of one series on a service's /metrics (next to its GraphQL URL), e.g.
 * `db_pool_connections` with `{ pool: 'main', state: 'in_use' }`; undefined when absent.
 */
export async function readMetric(serviceUrl: string, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const text = await (await fetch(new URL('/metrics', serviceUrl))).text();
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  const line = text.split('\n').find((row) => (row.startsWith(`${name}{`) || row.startsWith(`${name} `)) && wanted.every((label) => row.includes(label)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** Reads until `done` accepts the value (work settling in the background), at most ~5 s; returns the last value read. */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (let attempt = 0; attempt < 100 && !done(value); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}

/** Reads until the value is `expected`; returns the last value read. */
export const readUntil = <T>(read: () => Promise<T>, expected: T): Promise<T> => eventually(read, (value) => value === expected);
