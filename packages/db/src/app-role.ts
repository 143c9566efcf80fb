import { withDatabase } from './admin.ts';

/**
 * The login role the services with row-level security (portfolio, notifications) run as. It owns
 * nothing: migrations run as the database owner and grant it data access only, so the policies
 * apply to every statement it sends.
 */
export const APP_ROLE = 'nexanest_app';

/** The owner's URL with the application role's credentials instead. */
export function appRoleUrl(ownerUrl: string, password: string): string {
  const url = new URL(ownerUrl);
  url.username = APP_ROLE;
  url.password = encodeURIComponent(password);
  return url.toString();
}

/**
 * Development and tests: creates the application role, or resets its password, as the server's
 * owner. Roles are cluster-wide and services start in parallel, so the work is serialized with an
 * advisory lock in the `postgres` database. Production provisions the role itself
 * (infrastructure/database/init) and never calls this.
 */
export async function ensureAppRole(ownerUrl: string, password: string): Promise<void> {
  await withDatabase(ownerUrl, 'postgres', (sql) =>
    sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(hashtext('nexanest_app_role'))`;
      const [row] = await tx`select 1 as found from pg_roles where rolname = ${APP_ROLE}`;
      // DDL takes no bind parameters: format() quotes the identifier and the password literal.
      const verb = row ? 'alter' : 'create';
      const [statement] = await tx`select format(${`${verb} role %I login password %L`}, ${APP_ROLE}::text, ${password}::text) as text`;
      await tx.unsafe(statement?.text as string);
    }),
  );
}
