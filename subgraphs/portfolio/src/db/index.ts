import type { Pool } from '@nexanest/db';
import * as schema from './schema/index.ts';

export { schema };
export type PortfolioSchema = typeof schema;
/** The portfolio database: drizzle and postgres.js over one pool. */
export type PortfolioPool = Pool<PortfolioSchema>;
export type PortfolioDb = PortfolioPool['db'];
