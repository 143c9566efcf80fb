import { ADVISOR_LOOKUP_PATH, postInternal, type LateUrl } from '@nexanest/graphql';

/** What portfolio asks of auth, which owns the users. */
export interface AuthClient {
  /** The ADVISOR with this email, or null when there is none (no such user, or not an advisor). */
  findAdvisor(email: string): Promise<{ id: string } | null>;
}

/** Over auth's signed internal route (AUTH_SUBGRAPH_URL), never auth's database. */
export function createAuthClient(options: { authGraphqlUrl: LateUrl; secret: string; timeoutMs?: number }): AuthClient {
  return {
    async findAdvisor(email) {
      const answer = await postInternal<{ id: string }>({
        service: 'auth',
        graphqlUrl: options.authGraphqlUrl,
        path: ADVISOR_LOOKUP_PATH,
        body: { email },
        secret: options.secret,
        timeoutMs: options.timeoutMs ?? 5_000,
      });
      return answer.body;
    },
  };
}
