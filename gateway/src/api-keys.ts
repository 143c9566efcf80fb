import { API_KEY_VERIFY_PATH, INTERNAL_SIGNATURE_HEADER, signInternal, type Identity } from '@nexanest/graphql';
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
  const endpoint = new URL(API_KEY_VERIFY_PATH, options.authGraphqlUrl).toString();
  const cache = new Map<string, { identity: Identity | null; until: number }>();
  return async (secret) => {
    const cached = cache.get(secret);
    if (cached && cached.until > Date.now()) return cached.identity;
    const body = JSON.stringify({ secret });
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [INTERNAL_SIGNATURE_HEADER]: signInternal(body, options.secret) },
        body,
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch {
      throw new GraphQLError('The auth service is unavailable', {
        extensions: { code: 'INTERNAL_SERVER_ERROR', serviceName: 'auth', reason: 'UPSTREAM_UNAVAILABLE', http: { status: 503 } },
      });
    }
    let identity: Identity | null = null;
    if (response.status === 200) {
      const found = (await response.json()) as { userId: string; role: Identity['role']; scopes: string[] };
      identity = { userId: found.userId, role: found.role, scopes: found.scopes };
    } else if (response.status !== 404) {
      throw new GraphQLError('The auth service could not check the API key', {
        extensions: { code: 'INTERNAL_SERVER_ERROR', serviceName: 'auth', http: { status: 503 } },
      });
    }
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(secret, { identity, until: Date.now() + CACHE_MS });
    return identity;
  };
}
