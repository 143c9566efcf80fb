export { createPool, type Pool, type Sql } from './create-pool.ts';
export type { PoolUsage } from './pool-usage.ts';
export { migrateDatabase } from './migrate.ts';
export { ensureDatabase, dropDatabase, withDatabase } from './admin.ts';
export { statementCounter } from './statement-counter.ts';
export { isUniqueViolation } from './pg-errors.ts';
export { APP_ROLE, appRoleUrl, ensureAppRole } from './app-role.ts';
export { createRequestScope, type RequestScope, type ScopeSettings, type ScopedDb } from './request-scope.ts';
