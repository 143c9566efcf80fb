import { sql } from 'drizzle-orm';
import { bigserial, boolean, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './users.ts';

/** Columns shared by the single-use tokens sent by email: only the SHA-256 of the token is kept. */
const singleUseToken = () => ({
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  tokenHash: text('token_hash').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Password reset tokens: single use, one hour. */
export const passwordResetTokens = pgTable('password_reset_tokens', singleUseToken(), (table) => [
  uniqueIndex('password_reset_tokens_token_hash_key').on(table.tokenHash),
  index('password_reset_tokens_user_id_idx').on(table.userId),
]);

/** Email verification tokens: single use, 48 hours. */
export const emailVerificationTokens = pgTable('email_verification_tokens', singleUseToken(), (table) => [
  uniqueIndex('email_verification_tokens_token_hash_key').on(table.tokenHash),
  index('email_verification_tokens_user_id_idx').on(table.userId),
]);

/** Every sign-in attempt, for audit; the throttling counters themselves live in Redis. */
export const loginAttempts = pgTable(
  'login_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    email: text('email').notNull(),
    ip: text('ip'),
    succeeded: boolean('succeeded').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('login_attempts_email_created_at_idx').on(table.email, table.createdAt)],
);

/**
 * Transactional outbox: events written in the same transaction as the change they announce,
 * then published to the Redis stream by the relay. Payloads may hold tokens: never log them.
 */
export const outboxEvents = pgTable(
  'outbox_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    topic: text('topic').notNull(),
    payload: jsonb('payload').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    publishedAt: timestamp('published_at', { withTimezone: true }),
  },
  (table) => [index('outbox_events_unpublished_idx').on(table.createdAt).where(sql`${table.publishedAt} is null`)],
);
