import { connectRedis, type Redis, type RedisTarget } from './redis.ts';
import { ACCESS_TOKEN_TTL_SECONDS } from '@nexanest/graphql';

/** Redis logical database that holds sessions state (the platform guide: 2 = sessions). */
export const SESSIONS_REDIS_DB = 2;

/** A revocation must outlive every access token of the session: their lifetime, 900 s. */
export const SESSION_REVOCATION_TTL_SECONDS = ACCESS_TOKEN_TTL_SECONDS;

/**
 * Key that marks a session revoked, in Redis DB 2: `${namespace}:session:revoked:${sessionId}`,
 * value '1', TTL 900 s. The gateway reads it for the `sid` claim of each access token.
 */
export type SessionRevokedKey = `${string}:session:revoked:${string}`;
export const sessionRevokedKey = (namespace: string, sessionId: string): SessionRevokedKey => `${namespace}:session:revoked:${sessionId}`;

/** Sessions whose access tokens must be refused before they expire (logout, reuse, role change). */
export interface SessionRevocations {
  readonly kind: 'redis' | 'in-process';
  revoke(sessionId: string): Promise<void>;
  isRevoked(sessionId: string): Promise<boolean>;
  close(): Promise<void>;
}

/** Revocations in Redis DB 2, visible to every gateway instance. */
export function createRedisSessionRevocations(options: { redis: Redis; namespace: string; ownsClient?: boolean }): SessionRevocations {
  const { redis, namespace } = options;
  return {
    kind: 'redis',
    async revoke(sessionId) {
      await redis.set(sessionRevokedKey(namespace, sessionId), '1', 'EX', SESSION_REVOCATION_TTL_SECONDS);
    },
    async isRevoked(sessionId) {
      return (await redis.exists(sessionRevokedKey(namespace, sessionId))) === 1;
    },
    async close() {
      if (options.ownsClient) redis.disconnect();
    },
  };
}

/**
 * Revocations in a Map, for the single-process mode without Redis: the launcher creates one and
 * hands the same instance to auth and the gateway. Entries expire like the Redis keys.
 */
export function createInMemorySessionRevocations(now: () => number = Date.now): SessionRevocations {
  const expiries = new Map<string, number>();
  return {
    kind: 'in-process',
    async revoke(sessionId) {
      expiries.set(sessionId, now() + SESSION_REVOCATION_TTL_SECONDS * 1000);
      for (const [id, at] of expiries) if (at <= now()) expiries.delete(id);
    },
    async isRevoked(sessionId) {
      const at = expiries.get(sessionId);
      return at !== undefined && at > now();
    },
    async close() {},
  };
}

/** Redis-backed when Redis is configured (a URL or a cluster), in-process otherwise. */
export function createSessionRevocations(options: { redisUrl: RedisTarget | null | undefined; namespace: string }): SessionRevocations {
  if (!options.redisUrl) return createInMemorySessionRevocations();
  const redis = connectRedis(options.redisUrl, SESSIONS_REDIS_DB);
  redis.on('error', () => {});
  return createRedisSessionRevocations({ redis, namespace: options.namespace, ownsClient: true });
}
