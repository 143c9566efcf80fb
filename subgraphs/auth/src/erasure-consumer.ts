import { createErasureConsumer, type Redis, type StreamConsumer } from '@nexanest/bus';
import type { Logger } from '@nexanest/graphql';
import { purgePublishedEvents } from './account-deletion.ts';
import type { AuthDb } from './db/index.ts';

/** auth's consumer group for erasure. */
export const AUTH_ERASURE_GROUP = 'auth.erasure';

/**
 * When user.deleted comes back from the stream, the events auth published about the user (their
 * user.deleted included) are out, so auth deletes them from its outbox: after this, auth's
 * database holds nothing naming the user. Idempotent (a delete), so redelivery is harmless.
 */
export function createAuthErasureConsumer(options: { db: AuthDb; redis: Redis; namespace: string; logger: Logger }): StreamConsumer {
  return createErasureConsumer({
    ...options,
    group: AUTH_ERASURE_GROUP,
    erase: async ({ userId, email }) => {
      await purgePublishedEvents(options.db, { id: userId, email: email ?? userId }, { includeUserDeleted: true });
    },
  });
}
