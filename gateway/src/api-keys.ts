import { API_KEY_VERIFY_PATH, type Identity, type InternalAnswer, postInternal } from '@nexanest/graphql';
import { GraphQLError } from 'graphql';

/** Resolves an `x-api-key` secret to the identity it stands for, or null when it is not valid. */
export type ApiKeyVerifier = (secret: string) => Promise<Identity | null>;

const CACHE_MS = 30_000;
const CACHE_MAX = 10_000;

/**
 * Asks auth (over its signed internal endpoint, never its database) and caches answers for 30 s,
 * so a busy key costs one check per half minute; a revoked key stops working within that time.
 */
export function createApiKeyVerifier(options: { authGraphqlUrl: string; secret: string; timeoutMs: number }): ApiKeyVerifier {
  const cache = new Map<string, { identity: Identity | null; until: number }>();
  return async (secret) => {
    const cached = cache.get(secret);
    if (cached && cached.until > Date.now()) return cached.identity;
    let answer: InternalAnswer<{ userId: string; role: Identity['role']; scopes: string[] }>;
    try {
      answer = await postInternal({
        service: 'auth',
        graphqlUrl: options.authGraphqlUrl,
        path: API_KEY_VERIFY_PATH,
        body: { secret },
        secret: options.secret,
        timeoutMs: options.timeoutMs,
      });
    } catch {
      throw new GraphQLError('The auth service is unavailable', {
        extensions: { code: 'INTERNAL_SERVER_ERROR', serviceName: 'auth', reason: 'UPSTREAM_UNAVAILABLE', http: { status: 503 } },
      });
    }
    const found = answer.status === 200 ? answer.body : null;
    const identity: Identity | null = found ? { userId: found.userId, role: found.role, scopes: found.scopes } : null;
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(secret, { identity, until: Date.now() + CACHE_MS });
    return identity;
  };
}
