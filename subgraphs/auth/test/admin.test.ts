import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '@nexanest/graphql';
import { sessionRevokedKey } from '@nexanest/bus';
import { createAuthHarness } from './harness.ts';
import { ADMIN_USERS, REFRESH, REGISTER, SET_USER_ROLE, type Tokens } from './operations.ts';

let h: Awaited<ReturnType<typeof createAuthHarness>>;
const users: Tokens[] = [];
const as = (role: Identity['role'], userId = users[0]!.user.id): Identity => ({ userId, role });

interface Page {
  users: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { cursor: string; node: { id: string; email: string } }[] };
}

beforeAll(async () => {
  h = await createAuthHarness();
  for (let i = 0; i < 5; i++) {
    users.push((await h.execute<{ register: Tokens }>(REGISTER, { input: { email: `u${i}@example.com`, password: 'admin-test-password' } })).data!.register);
  }
});
afterAll(async () => {
  await h?.close();
});

describe('users (AdminUsers)', () => {
  it('pages through every user, oldest first, with cursors', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const { data, errors }: { data?: Page | null; errors?: unknown } = await h.execute<Page>(ADMIN_USERS, { first: 2, after }, as('ADMIN'));
      expect(errors).toBeUndefined();
      expect(data!.users.totalCount).toBe(5);
      seen.push(...data!.users.edges.map((edge) => edge.node.email));
      if (!data!.users.pageInfo.hasNextPage) break;
      after = data!.users.pageInfo.endCursor;
    }
    expect(seen).toEqual(['u0@example.com', 'u1@example.com', 'u2@example.com', 'u3@example.com', 'u4@example.com']);
  });

  it('answers FORBIDDEN to users and advisors, UNAUTHENTICATED to nobody', async () => {
    expect((await h.execute(ADMIN_USERS, { first: 2 }, as('USER'))).codes).toEqual(['FORBIDDEN']);
    expect((await h.execute(ADMIN_USERS, { first: 2 }, as('ADVISOR'))).codes).toEqual(['FORBIDDEN']);
    expect((await h.execute(ADMIN_USERS, { first: 2 })).codes).toEqual(['UNAUTHENTICATED']);
  });

  it.each([[0], [101]])('answers BAD_USER_INPUT for first = %i, and for a forged cursor', async (first) => {
    expect((await h.execute(ADMIN_USERS, { first }, as('SUPERUSER'))).codes).toEqual(['BAD_USER_INPUT']);
    expect((await h.execute(ADMIN_USERS, { first: 5, after: 'bm9wZQ' }, as('SUPERUSER'))).codes).toEqual(['BAD_USER_INPUT']);
  });
});

describe('setUserRole', () => {
  it('lets an ADMIN make a user an ADVISOR and ends their sessions at once', async () => {
    const target = users[1]!;
    const { data, errors } = await h.execute<{ setUserRole: { role: string } }>(SET_USER_ROLE, { userId: target.user.id, role: 'ADVISOR' }, as('ADMIN'));
    expect(errors).toBeUndefined();
    expect(data!.setUserRole.role).toBe('ADVISOR');
    expect((await h.execute(REFRESH, { refreshToken: target.refreshToken })).codes).toEqual(['UNAUTHENTICATED']);
    const [session] = await h.sql`select id from user_sessions where user_id = ${target.user.id}`;
    expect(await h.redis.get(sessionRevokedKey(h.namespace, session!.id as string))).toBe('1');
  });

  it('refuses an ADMIN granting ADMIN or changing an operator; a SUPERUSER may', async () => {
    const target = users[2]!.user.id;
    expect((await h.execute(SET_USER_ROLE, { userId: target, role: 'ADMIN' }, as('ADMIN'))).codes).toEqual(['FORBIDDEN']);
    expect((await h.execute(SET_USER_ROLE, { userId: target, role: 'ADMIN' }, as('SUPERUSER'))).errors).toBeUndefined();
    expect((await h.execute(SET_USER_ROLE, { userId: target, role: 'USER' }, as('ADMIN'))).codes).toEqual(['FORBIDDEN']);
    expect((await h.execute(SET_USER_ROLE, { userId: target, role: 'SUPERUSER' }, as('SUPERUSER'))).errors).toBeUndefined();
  });

  it('answers FORBIDDEN to a USER and NOT_FOUND for an unknown user', async () => {
    expect((await h.execute(SET_USER_ROLE, { userId: users[3]!.user.id, role: 'ADVISOR' }, as('USER'))).codes).toEqual(['FORBIDDEN']);
    expect((await h.execute(SET_USER_ROLE, { userId: '00000000-0000-4000-8000-000000000000', role: 'USER' }, as('ADMIN'))).codes).toEqual(['NOT_FOUND']);
    expect((await h.execute(SET_USER_ROLE, { userId: 'nope', role: 'USER' }, as('ADMIN'))).codes).toEqual(['NOT_FOUND']);
  });
});
