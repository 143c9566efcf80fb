/** The codes the gateway may answer with: the contract's closed set plus GraphQL/Apollo protocol codes. */
export const ALLOWED_CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'RATE_LIMITED',
  'INTERNAL_SERVER_ERROR',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** Text only a server's internals produce: stack frames, driver errors, paths, parameter dumps. */
const LEAKS: Array<[string, RegExp]> = [
  ['stack frame', / {4}at /],
  ['stack key', /"(stacktrace|stack|exception)"\s*:/i],
  ['SQL select', /select /i],
  ['SQL insert', /insert into/i],
  ['SQL update', /update "?\w+"? set/i],
  ['driver syntax error', /syntax error at/i],
  ['driver relation error', /relation "[^"]*" does not exist/i],
  ['driver constraint', /violates|duplicate key value/i],
  ['driver cast error', /invalid input syntax for/i],
  ['file path', /\/work\//],
  ['node_modules', /node_modules/],
  ['parameter dump', /\bparam(eter)?s\b\s*[:=]/i],
  ['connection detail', /ECONNREFUSED|127\.0\.0\.1|postgres(ql)?:\/\//i],
];

/** Every string leaf of `value`. */
function strings(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) for (const item of value) strings(item, into);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) strings(item, into);
  return into;
}

/**
 * Removes what the caller sent (plain, JSON-escaped, and JSON-escaped twice, as a GraphQL
 * message quoting a value inside a JSON body has it) so echoes of its own input are not leaks.
 */
function withoutEchoes(text: string, sent: unknown): string {
  let result = text;
  const echoes = strings(sent)
    .filter((value) => value.length >= 2)
    .flatMap((value) => {
      // The Decimal scalar quotes only the first 40 characters of a bad value: that prefix is an echo too.
      const quoted = JSON.stringify(value).slice(0, 40);
      return [JSON.stringify(JSON.stringify(value)).slice(1, -1), JSON.stringify(value).slice(1, -1), value, JSON.stringify(quoted).slice(1, -1), quoted];
    })
    .sort((a, b) => b.length - a.length);
  for (const echo of echoes) result = result.split(echo).join('');
  return result;
}

export interface Answer {
  status: number;
  text: string;
}

/** What is wrong with an answer to `sent`; empty when nothing is. */
export function problemsWith(answer: Answer, sent: unknown): string[] {
  const problems: string[] = [];
  if (answer.status >= 500 && answer.status !== 500) problems.push(`status ${answer.status}`);
  let body: { data?: unknown; errors?: Array<{ message?: unknown; extensions?: Record<string, unknown> }> };
  try {
    body = JSON.parse(answer.text);
  } catch {
    return [`not JSON (status ${answer.status}): ${answer.text.slice(0, 200)}`];
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) return [`not a GraphQL response: ${answer.text.slice(0, 200)}`];
  if (body.data === undefined && !body.errors?.length) problems.push('neither data nor errors');
  for (const error of body.errors ?? []) {
    const code = error.extensions?.code;
    if (typeof code !== 'string' || !ALLOWED_CODES.has(code)) problems.push(`uncoded or unknown code ${JSON.stringify(code)}: ${String(error.message)}`);
  }
  if (answer.status === 500 && !(body.errors ?? []).every((error) => error.extensions?.code === 'INTERNAL_SERVER_ERROR'))
    problems.push('HTTP 500 without INTERNAL_SERVER_ERROR');
  const errorsText = withoutEchoes(JSON.stringify(body.errors ?? []), sent);
  for (const [name, pattern] of LEAKS) if (pattern.test(errorsText)) problems.push(`leak (${name}): ${errorsText.slice(0, 400)}`);
  return problems;
}
