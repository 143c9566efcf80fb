import { and, eq } from 'drizzle-orm';
import type { AuthDeps } from './context.ts';
import { users } from './db/schema/index.ts';
import { normalizeEmail } from './domain/validation.ts';

/** The ADVISOR with this sign-in email, or null (no such user, or not an advisor). */
export async function findAdvisorByEmail(deps: AuthDeps, email: string): Promise<{ id: string } | null> {
  const [row] = await deps.db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.email, normalizeEmail(email)), eq(users.role, 'ADVISOR')));
  return row ?? null;
}
