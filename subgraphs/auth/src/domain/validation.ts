import { badInput } from '@nexanest/graphql';

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;
const EMAIL_MAX_LENGTH = 254;
// Deliberately simple: one @, no spaces, a dot in the domain. Ownership is proven by verification.
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@.]{2,}$/;

/** Currencies a user may choose as their base currency. */
export const BASE_CURRENCIES = ['USD', 'EUR', 'GBP', 'JPY', 'CHF', 'CAD', 'AUD', 'SEK', 'NOK', 'DKK'] as const;

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export const isValidEmail = (email: string) => email.length <= EMAIL_MAX_LENGTH && EMAIL_PATTERN.test(email);

/** Returns the normalized email or throws BAD_USER_INPUT. */
export function parseEmail(raw: string): string {
  const email = normalizeEmail(raw);
  if (!isValidEmail(email)) throw badInput('Enter a valid email address', 'email');
  return email;
}

/** Throws BAD_USER_INPUT when the password breaks the policy. `email` is already normalized. */
export function assertPasswordPolicy(password: string, email: string): void {
  if (password.length < PASSWORD_MIN_LENGTH) throw badInput(`Password must be at least ${PASSWORD_MIN_LENGTH} characters`, 'password');
  if (password.length > PASSWORD_MAX_LENGTH) throw badInput(`Password must be at most ${PASSWORD_MAX_LENGTH} characters`, 'password');
  if (password.trim().toLowerCase() === email) throw badInput('Password must not be your email address', 'password');
}

/** Returns the base currency (USD when omitted) or throws BAD_USER_INPUT. */
export function parseBaseCurrency(raw: string | null | undefined): string {
  if (raw == null) return 'USD';
  const code = raw.trim().toUpperCase();
  if (!(BASE_CURRENCIES as readonly string[]).includes(code)) {
    throw badInput(`Base currency must be one of ${BASE_CURRENCIES.join(', ')}`, 'baseCurrency');
  }
  return code;
}

/** Trims a display name; empty means none. */
export function parseDisplayName(raw: string | null | undefined): string | null {
  const name = raw?.trim() ?? '';
  if (name.length > 100) throw badInput('Display name must be at most 100 characters', 'displayName');
  return name.length > 0 ? name : null;
}
