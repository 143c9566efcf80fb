import { describe, expect, it } from 'vitest';
import { CLIENT_IP_HEADER, CLIENT_IP_SIGNATURE_HEADER, signClientIp } from '@nexanest/graphql';
import { trustedClientIp } from '../src/internal-routes.ts';

// The per-IP login throttle keys on this: only an address the gateway signed may count.
const secret = 'test-only-identity-secret-0123456789abcdef';

describe('the client IP auth trusts', () => {
  it('is the address the gateway signed', () => {
    const headers = { [CLIENT_IP_HEADER]: '203.0.113.7', [CLIENT_IP_SIGNATURE_HEADER]: signClientIp('203.0.113.7', secret) };
    expect(trustedClientIp(headers, secret)).toBe('203.0.113.7');
  });

  it('is nobody for an unsigned, forged or re-used signature, another secret, an overlong address, or no headers', () => {
    const signed = signClientIp('203.0.113.7', secret);
    expect(trustedClientIp({ [CLIENT_IP_HEADER]: '203.0.113.7' }, secret)).toBeNull();
    expect(trustedClientIp({ [CLIENT_IP_HEADER]: '203.0.113.7', [CLIENT_IP_SIGNATURE_HEADER]: 'f'.repeat(64) }, secret)).toBeNull();
    expect(trustedClientIp({ [CLIENT_IP_HEADER]: '198.51.100.1', [CLIENT_IP_SIGNATURE_HEADER]: signed }, secret)).toBeNull();
    expect(trustedClientIp({ [CLIENT_IP_HEADER]: '203.0.113.7', [CLIENT_IP_SIGNATURE_HEADER]: signClientIp('203.0.113.7', `${secret}x`) }, secret)).toBeNull();
    const long = `${'1'.repeat(65)}`;
    expect(trustedClientIp({ [CLIENT_IP_HEADER]: long, [CLIENT_IP_SIGNATURE_HEADER]: signClientIp(long, secret) }, secret)).toBeNull();
    expect(trustedClientIp(undefined, secret)).toBeNull();
    expect(trustedClientIp({ [CLIENT_IP_HEADER]: ['203.0.113.7'], [CLIENT_IP_SIGNATURE_HEADER]: signed }, secret)).toBeNull();
  });
});
