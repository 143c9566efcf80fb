import type { Pool, ScopedDb } from '@nexanest/db';
import * as schema from './schema/index.ts';

export { schema };
export type PortfolioSchema = typeof schema;
/** The portfolio database: drizzle and postgres.js over one pool. */
export type PortfolioPool = Pool<PortfolioSchema>;
/** The pool's drizzle handle, or the request's transaction on it (row-level security settings applied). */
export type PortfolioDb = ScopedDb<PortfolioSchema>;
