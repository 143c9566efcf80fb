import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../src/domain/password.ts';
import { assertPasswordPolicy, parseBaseCurrency, parseEmail } from '../src/domain/validation.ts';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return 'no error';
  } catch (error) {
    return (error as { extensions?: { code?: string } }).extensions?.code;
  }
};

describe('password hashing', () => {
  it('verifies the password it hashed', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(Buffer.from(hash.split('$')[4]!, 'base64')).toHaveLength(16);
    expect(Buffer.from(hash.split('$')[5]!, 'base64')).toHaveLength(64);
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
  });

  it('rejects a wrong password', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(await verifyPassword('correct horse battery!', hash)).toBe(false);
  });

  it('salts each hash differently', async () => {
    const [a, b] = await Promise.all([hashPassword('same password 123'), hashPassword('same password 123')]);
    expect(a).not.toBe(b);
  });

  it('never matches a malformed hash', async () => {
    expect(await verifyPassword('anything at all', 'plain-text')).toBe(false);
  });
});

describe('input policy', () => {
  it('accepts a reasonable password', () => {
    expect(codeOf(() => assertPasswordPolicy('a long enough secret', 'ann@example.com'))).toBe('no error');
  });

  it('refuses short, overlong and email-as-password passwords', () => {
    expect(codeOf(() => assertPasswordPolicy('short', 'ann@example.com'))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => assertPasswordPolicy('x'.repeat(201), 'ann@example.com'))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => assertPasswordPolicy('ANN@example.com', 'ann@example.com'))).toBe('BAD_USER_INPUT');
  });

  it('normalizes and validates emails', () => {
    expect(parseEmail('  Ann@Example.COM ')).toBe('ann@example.com');
    expect(codeOf(() => parseEmail('not-an-email'))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => parseEmail(`${'a'.repeat(250)}@example.com`))).toBe('BAD_USER_INPUT');
  });

  it('allows only the supported base currencies, USD by default', () => {
    expect(parseBaseCurrency(undefined)).toBe('USD');
    expect(parseBaseCurrency('eur')).toBe('EUR');
    expect(codeOf(() => parseBaseCurrency('XYZ'))).toBe('BAD_USER_INPUT');
  });
});
