import { sql } from 'drizzle-orm';
import type { NotificationsDb } from './db/index.ts';
import { notificationPreferences } from './db/schema/index.ts';
import { changedFields, pickPreferences, type Preferences, type PreferencesChange } from './domain/preferences.ts';

/** Upserts the given fields in one statement; omitted fields keep their stored (or default) value. */
export async function updatePreferences(db: NotificationsDb, userId: string, change: PreferencesChange): Promise<Preferences> {
  const fields = changedFields(change);
  const [row] = await db
    .insert(notificationPreferences)
    .values({ userId, ...fields })
    .onConflictDoUpdate({ target: notificationPreferences.userId, set: { ...fields, updatedAt: sql`now()` } })
    .returning();
  if (!row) throw new Error('preferences upsert returned no row');
  return pickPreferences(row);
}
