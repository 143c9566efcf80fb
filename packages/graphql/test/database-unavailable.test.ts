import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../src/database-unavailable.ts';

const socketError = (code: string) => Object.assign(new Error(`connect ${code}`), { code });

describe('isDatabaseUnavailable', () => {
  it('recognises a refused connection under drizzle- or Apollo-style wrapping', () => {
    expect(isDatabaseUnavailable(socketError('ECONNREFUSED'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Failed query', { cause: socketError('CONNECTION_CLOSED') }))).toBe(true);
    expect(isDatabaseUnavailable({ originalError: { code: '57P01' } })).toBe(true);
    expect(isDatabaseUnavailable(new AggregateError([socketError('ECONNREFUSED')]))).toBe(true);
  });

  it('does not take a query error or a failed HTTP call to another service for the database', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    const fetchFailed = new TypeError('fetch failed', { cause: socketError('ECONNREFUSED') });
    expect(isDatabaseUnavailable(new Error('market subgraph unreachable', { cause: fetchFailed }))).toBe(false);
  });
});
