import type { ExecutionResult } from 'graphql';

export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

/** A GraphQL-over-HTTP client, as a frontend would use the gateway. */
export function createGatewayClient(url: string, headers: Record<string, string> = {}) {
  return {
    async request<T = Record<string, any>>(
      query: string,
      variables?: Record<string, unknown>,
      extraHeaders: Record<string, string> = {},
    ): Promise<GraphQLResponse<T>> {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers, ...extraHeaders },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as ExecutionResult;
      return { status: response.status, ...(body as object) } as GraphQLResponse<T>;
    },
    withToken(token: string) {
      return createGatewayClient(url, { ...headers, authorization: `Bearer ${token}` });
    },
  };
}

export type GatewayClient = ReturnType<typeof createGatewayClient>;
