import type { Pool } from '@nexanest/db';
import * as schema from './schema/index.ts';

export { schema };
export type AuthSchema = typeof schema;
export type AuthPool = Pool<AuthSchema>;
export type AuthDb = AuthPool['db'];
/** A drizzle transaction on the auth database. */
export type AuthTx = Parameters<Parameters<AuthDb['transaction']>[0]>[0];
