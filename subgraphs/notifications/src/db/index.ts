import type { Pool, ScopedDb } from '@nexanest/db';
import * as schema from './schema/index.ts';

export { schema };
export type NotificationsSchema = typeof schema;
export type NotificationsPool = Pool<NotificationsSchema>;
/** The pool's drizzle handle, or a request's transaction on it. */
export type NotificationsDb = ScopedDb<NotificationsSchema>;
