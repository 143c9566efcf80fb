import type { Sql } from '@nexanest/db';
import { hashPassword } from './domain/password.ts';
import { assertPasswordPolicy, parseEmail } from './domain/validation.ts';

export const BOOTSTRAP_ADMIN_EMAIL = 'admin@nexanest.local';

/**
 * Makes sure an ADMIN with this email exists. Idempotent: an existing account (whatever its
 * password or role now) is left alone. Returns whether it created the account.
 */
export async function ensureBootstrapAdmin(sql: Sql, options: { email: string; password: string }): Promise<{ created: boolean }> {
  const email = parseEmail(options.email);
  assertPasswordPolicy(options.password, email);
  const [existing] = await sql`select id from users where email = ${email}`;
  if (existing) return { created: false };
  const passwordHash = await hashPassword(options.password);
  return sql.begin(async (tx) => {
    // A concurrent start may have created it since the check; the unique index settles it.
    const [user] = await tx`
      insert into users (email, password_hash, role, email_verified)
      values (${email}, ${passwordHash}, 'ADMIN', true)
      on conflict (email) do nothing
      returning id`;
    if (!user) return { created: false };
    await tx`insert into user_profiles (user_id, display_name) values (${user.id as string}, 'Administrator')`;
    return { created: true };
  });
}
