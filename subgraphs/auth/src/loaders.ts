import DataLoader from 'dataloader';
import { and, desc, inArray, isNull } from 'drizzle-orm';
import type { AuthDb } from './db/index.ts';
import { apiKeys, userProfiles, users, type ApiKeyRow, type UserProfileRow, type UserRow } from './db/schema/index.ts';

/** Groups rows by a key in the order the keys were asked for. */
function byKey<K, R>(keys: readonly K[], rows: R[], keyOf: (row: R) => K): R[][] {
  const groups = new Map<K, R[]>(keys.map((key) => [key, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((key) => groups.get(key) ?? []);
}

// Ids that are not UUIDs cannot exist; filtering them keeps PostgreSQL from raising on the cast.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const validIds = (ids: readonly string[]) => ids.filter((id) => UUID.test(id));

/** Per-request loaders: one query per type per tick, whatever the number of users asked for. */
export function createLoaders(db: AuthDb) {
  return {
    userById: new DataLoader<string, UserRow | null>(async (ids) => {
      const wanted = validIds(ids);
      const rows = wanted.length ? await db.select().from(users).where(inArray(users.id, wanted)) : [];
      return byKey(ids, rows, (row) => row.id).map((group) => group[0] ?? null);
    }),
    profileByUserId: new DataLoader<string, UserProfileRow | null>(async (ids) => {
      const wanted = validIds(ids);
      const rows = wanted.length ? await db.select().from(userProfiles).where(inArray(userProfiles.userId, wanted)) : [];
      return byKey(ids, rows, (row) => row.userId).map((group) => group[0] ?? null);
    }),
    apiKeysByUserId: new DataLoader<string, ApiKeyRow[]>(async (ids) => {
      const wanted = validIds(ids);
      const rows = wanted.length
        ? await db
            .select()
            .from(apiKeys)
            .where(and(inArray(apiKeys.userId, wanted), isNull(apiKeys.revokedAt)))
            .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id))
        : [];
      return byKey(ids, rows, (row) => row.userId);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
