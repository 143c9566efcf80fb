import type { Pool } from '@nexanest/db';
import * as schema from './schema/index.ts';

export { schema };
export type AnalyticsSchema = typeof schema;
export type AnalyticsPool = Pool<AnalyticsSchema>;
