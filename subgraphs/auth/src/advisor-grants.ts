import { ADVISOR_CLIENTS_PATH, postInternal, type LateUrl } from '@nexanest/graphql';

/**
 * Which of these users granted the advisor access to at least one portfolio, right now. Asked of
 * portfolio (which owns the grants) on every request that needs it, so a revoke counts at once.
 */
export type AdvisorGrantCheck = (advisorId: string, ownerIds: readonly string[]) => Promise<Set<string>>;

export function createAdvisorGrantCheck(options: { portfolioGraphqlUrl: LateUrl; secret: string; timeoutMs?: number }): AdvisorGrantCheck {
  return async (advisorId, ownerIds) => {
    if (ownerIds.length === 0) return new Set();
    const answer = await postInternal<{ ownerIds: string[] }>({
      service: 'portfolio',
      graphqlUrl: options.portfolioGraphqlUrl,
      path: ADVISOR_CLIENTS_PATH,
      body: { advisorId, ownerIds },
      secret: options.secret,
      timeoutMs: options.timeoutMs ?? 5_000,
    });
    return new Set(answer.body?.ownerIds ?? []);
  };
}
