/**
 * Currencies the platform values portfolios in and records transactions in. Market quotes FX
 * among them; a code outside the list could never be valued, so it is refused up front.
 */
export const SUPPORTED_CURRENCIES = ['USD', 'EUR', 'GBP', 'JPY', 'CHF'] as const;

export type SupportedCurrency = (typeof SUPPORTED_CURRENCIES)[number];

const supported = new Set<string>(SUPPORTED_CURRENCIES);

export const isSupportedCurrency = (code: string): code is SupportedCurrency => supported.has(code);
