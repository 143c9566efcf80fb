// One load case: autocannon against a gateway, each request with the next user's token (and
// body), so no gateway can win by deduplicating identical requests. Answers carrying GraphQL
// errors are counted: a fast wrong answer is not a result.
import autocannon from 'autocannon';

export interface LoadCase {
  url: string;
  connections: number;
  seconds: number;
  /** Token and JSON body of the i-th request. */
  request(i: number): { token: string; body: string };
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
  graphqlErrors: number;
  /** What the GraphQL errors said: `code/reason (service): message` and how often. */
  graphqlErrorKinds: Record<string, number>;
}

/** A short name for each error of an answer, to report what went wrong and not only how often. */
function errorKinds(body: string): string[] {
  try {
    const { errors } = JSON.parse(body) as { errors?: Array<{ message?: string; extensions?: Record<string, unknown> }> };
    return (errors ?? []).map((e) => {
      const x = e.extensions ?? {};
      return `${String(x.code ?? '?')}/${String(x.reason ?? '-')} (${String(x.serviceName ?? '-')}): ${String(e.message ?? '').slice(0, 100)}`;
    });
  } catch {
    return ['unparseable answer'];
  }
}

export async function runLoad(load: LoadCase): Promise<LoadResult> {
  let next = 0;
  let graphqlErrors = 0;
  const graphqlErrorKinds: Record<string, number> = {};
  const result = await autocannon({
    url: load.url,
    connections: load.connections,
    duration: load.seconds,
    // A saturated shared machine can take seconds per answer: a slow answer is a figure, not an error.
    timeout: 60,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (req) => {
          const { token, body } = load.request(next++);
          return { ...req, method: 'POST', body, headers: { ...req.headers, 'content-type': 'application/json', authorization: `Bearer ${token}` } };
        },
        onResponse: (_status, body) => {
          if (!body.includes('"errors"')) return;
          graphqlErrors++;
          for (const kind of errorKinds(body)) graphqlErrorKinds[kind] = (graphqlErrorKinds[kind] ?? 0) + 1;
        },
      },
    ],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    graphqlErrors,
    graphqlErrorKinds,
  };
}
