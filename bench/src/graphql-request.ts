/** One GraphQL POST; returns the parsed answer. */
export async function post(url: string, body: string, token?: string): Promise<{ data?: unknown; errors?: unknown[] }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });
  return (await response.json()) as { data?: unknown; errors?: unknown[] };
}
