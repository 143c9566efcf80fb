import DataLoader from 'dataloader';
import { inArray } from 'drizzle-orm';
import type { NotificationsDb } from './db/index.ts';
import { notificationPreferences } from './db/schema/index.ts';
import { DEFAULT_PREFERENCES, pickPreferences, type Preferences } from './domain/preferences.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Per-request loaders on the request's transaction: one query for all the users asked for in a tick. */
export function createLoaders(db: () => Promise<NotificationsDb>) {
  return {
    preferencesByUserId: new DataLoader<string, Preferences>(async (ids) => {
      const wanted = ids.filter((id) => UUID.test(id));
      const rows = wanted.length ? await (await db()).select().from(notificationPreferences).where(inArray(notificationPreferences.userId, wanted)) : [];
      const byUser = new Map(rows.map((row) => [row.userId, pickPreferences(row)]));
      return ids.map((id) => byUser.get(id) ?? { ...DEFAULT_PREFERENCES });
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
