import type { Pool } from '@nexanest/db';
import * as schema from './schema/index.ts';

export { schema };
export type AuthSchema = typeof schema;
export type AuthPool = Pool<AuthSchema>;
export type AuthDb = AuthPool['db'];
