import type { Redis } from '@nexanest/bus';
import { AppError } from '@nexanest/graphql';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract, type RateLimiterRes } from 'rate-limiter-flexible';

/** How many failed sign-ins are tolerated, per email and per client IP, within one window. */
export interface LoginThrottleLimits {
  maxFailuresPerEmail: number;
  maxFailuresPerIp: number;
  windowSeconds: number;
}

/** Counts failed sign-ins and refuses further attempts once a limit is reached. */
export interface LoginThrottle {
  /** Throws RATE_LIMITED (with `extensions.retryAfter` in seconds) while the email or IP is blocked. */
  assertAllowed(email: string, ip: string | null): Promise<void>;
  recordFailure(email: string, ip: string | null): Promise<void>;
  /** A successful sign-in clears the email's counter (not the IP's: one IP may try many emails). */
  recordSuccess(email: string): Promise<void>;
}

function limiter(options: { redis: Redis | null; keyPrefix: string; points: number; duration: number }): RateLimiterAbstract {
  const base = { keyPrefix: options.keyPrefix, points: options.points, duration: options.duration };
  if (!options.redis) return new RateLimiterMemory(base);
  // If Redis is unreachable the in-memory limiter keeps counting in this process.
  return new RateLimiterRedis({ ...base, storeClient: options.redis, insuranceLimiter: new RateLimiterMemory(base) });
}

const rateLimited = (msBeforeNext: number) =>
  new AppError('RATE_LIMITED', 'Too many failed sign-in attempts; try again later', { retryAfter: Math.max(1, Math.ceil(msBeforeNext / 1000)) });

/**
 * Counters in Redis (DB 2, under `${namespace}:login-fail:email:` and `...:ip:`) when a client is
 * given, else in this process's memory.
 */
export function createLoginThrottle(options: { redis: Redis | null; namespace: string; limits: LoginThrottleLimits }): LoginThrottle {
  const { limits } = options;
  const byEmail = limiter({
    redis: options.redis,
    keyPrefix: `${options.namespace}:login-fail:email`,
    points: limits.maxFailuresPerEmail,
    duration: limits.windowSeconds,
  });
  const byIp = limiter({
    redis: options.redis,
    keyPrefix: `${options.namespace}:login-fail:ip`,
    points: limits.maxFailuresPerIp,
    duration: limits.windowSeconds,
  });
  const checks = (email: string, ip: string | null): [RateLimiterAbstract, string, number][] => [
    [byEmail, email, limits.maxFailuresPerEmail],
    ...(ip ? [[byIp, ip, limits.maxFailuresPerIp] as [RateLimiterAbstract, string, number]] : []),
  ];
  return {
    async assertAllowed(email, ip) {
      for (const [rl, key, max] of checks(email, ip)) {
        const state: RateLimiterRes | null = await rl.get(key);
        if (state && state.consumedPoints >= max) throw rateLimited(state.msBeforeNext);
      }
    },
    async recordFailure(email, ip) {
      for (const [rl, key] of checks(email, ip)) {
        // Rejection only means the limit is now reached; the next attempt is refused by assertAllowed.
        await rl.consume(key).catch((rejection: unknown) => {
          if (rejection instanceof Error) throw rejection;
        });
      }
    },
    async recordSuccess(email) {
      await byEmail.delete(email);
    },
  };
}
