import { enqueueEvent, ROLE_CHANGED } from './outbox.ts';
import { eq, inArray } from 'drizzle-orm';
import { badInput, forbidden, notFound, requireIdentity, type Identity } from '@nexanest/graphql';
import { isOperator, type AuthDeps } from './context.ts';
import { users, type UserRow } from './db/schema/index.ts';
import { announceRevoked, endUserSessions } from './sessions.ts';

type Role = UserRow['role'];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function assertOperator(identity: Identity | null): Identity {
  const caller = requireIdentity(identity);
  if (!isOperator(caller) || caller.scopes) throw forbidden('Only administrators may do this');
  return caller;
}

// Cursor: base64url of JSON [created_at as PostgreSQL text (microseconds kept), id].
const encodeCursor = (createdAt: string, id: string) => Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');

function decodeCursor(cursor: string): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && !Number.isNaN(Date.parse(value[0])) && UUID.test(String(value[1]))) {
      return [value[0], String(value[1])];
    }
  } catch {
    // fall through
  }
  throw badInput('Cursor is not one this API returned', 'after');
}

export interface UserConnection {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { cursor: string; node: UserRow }[];
}

/** Users oldest first, keyset-paginated on (created_at, id). */
export async function listUsers(deps: AuthDeps, first: number, after: string | null | undefined): Promise<UserConnection> {
  if (!Number.isInteger(first) || first < 1 || first > 100) throw badInput('first must be between 1 and 100', 'first');
  const [afterAt, afterId] = after ? decodeCursor(after) : [null, null];
  const rows = await deps.sql<{ id: string; cursor_at: string }[]>`
    select id, created_at::text as cursor_at from users
    where ${afterAt === null ? deps.sql`true` : deps.sql`(created_at, id) > (${afterAt}::timestamptz, ${afterId}::uuid)`}
    order by created_at, id
    limit ${first + 1}`;
  const [count] = await deps.sql<{ n: number }[]>`select count(*)::int as n from users`;
  const page = rows.slice(0, first);
  const nodes = page.length
    ? await deps.db
        .select()
        .from(users)
        .where(
          inArray(
            users.id,
            page.map((row) => row.id),
          ),
        )
    : [];
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const edges = page.flatMap((row) => {
    const node = byId.get(row.id);
    return node ? [{ cursor: encodeCursor(row.cursor_at, row.id), node }] : [];
  });
  return { totalCount: count?.n ?? 0, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null }, edges };
}

/**
 * SUPERUSER may set any role on anyone; ADMIN may set USER or ADVISOR on users who are not
 * operators. The user's sessions end, so tokens carrying the old role stop working at once.
 */
export async function setUserRole(deps: AuthDeps, identity: Identity | null, userId: string, role: Role): Promise<UserRow> {
  const caller = assertOperator(identity);
  if (!UUID.test(userId)) throw notFound('User');
  const { user, revoked } = await deps.db.transaction(async (tx) => {
    const [target] = await tx.select().from(users).where(eq(users.id, userId)).for('update');
    if (!target) throw notFound('User');
    if (caller.role !== 'SUPERUSER') {
      const operatorRole = (r: Role) => r === 'ADMIN' || r === 'SUPERUSER';
      if (operatorRole(role) || operatorRole(target.role)) throw forbidden('Only a superuser may grant or change operator roles');
    }
    if (target.role === role) return { user: target, revoked: [] as string[] };
    const [user] = await tx.update(users).set({ role, updatedAt: new Date() }).where(eq(users.id, userId)).returning();
    await enqueueEvent(tx, ROLE_CHANGED, { userId, byUserId: caller.userId, role });
    return { user: user!, revoked: await endUserSessions(tx, userId) };
  });
  await announceRevoked(deps, revoked);
  return user;
}
