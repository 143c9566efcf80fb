import type { Pool } from '@nexanest/db';
import * as schema from './schema/index.ts';

export { schema };
export type NotificationsSchema = typeof schema;
export type NotificationsPool = Pool<NotificationsSchema>;
export type NotificationsDb = NotificationsPool['db'];
