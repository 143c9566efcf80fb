import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Calls between the gateway and a subgraph outside GraphQL (API-key checks, the client IP) are
 * signed with GATEWAY_IDENTITY_SECRET: hex HMAC-SHA256 of the exact bytes.
 */
export const signInternal = (data: string | Buffer, secret: string) => createHmac('sha256', secret).update(data).digest('hex');

/** Constant-time check of a hex HMAC; false for a missing or malformed signature. */
export function verifyInternalSignature(data: string | Buffer, signature: unknown, secret: string): boolean {
  if (typeof signature !== 'string' || !/^[0-9a-f]{64}$/i.test(signature)) return false;
  return timingSafeEqual(Buffer.from(signInternal(data, secret), 'hex'), Buffer.from(signature, 'hex'));
}

/** Path of auth's API-key check: POST `{ "secret": "nn_..." }`, signed body. */
export const API_KEY_VERIFY_PATH = '/internal/api-keys/verify';
/** Path of auth's advisor lookup: POST `{ "email": "..." }`, signed body; 200 `{ id }` or 404. */
export const ADVISOR_LOOKUP_PATH = '/internal/users/advisor';
/** Path of portfolio's grant check: POST `{ "advisorId", "ownerIds": [...] }`, signed body; 200 `{ ownerIds }`. */
export const ADVISOR_CLIENTS_PATH = '/internal/advisor-clients';
/** Portfolio's ledger fingerprints for analytics: POST `{ "after"?, "limit", "portfolioIds"? }`; 200 `{ portfolios: [...] }`. */
export const LEDGER_DIGESTS_PATH = '/internal/analytics/ledger-digests';
/** One portfolio's whole ledger for analytics: POST `{ "portfolioId" }`; 200 `{ portfolio, transactions }` or 404. */
export const LEDGER_PATH = '/internal/analytics/ledger';
/** Market's daily FX history: POST `{ "pairs": [{ "from", "to" }], "fromDay", "toDay" }`; 200 `{ rates }`. */
export const FX_HISTORY_PATH = '/internal/fx-history';
/** Header carrying the body's signature. */
export const INTERNAL_SIGNATURE_HEADER = 'x-nexanest-internal';
/** End client's IP, forwarded by the gateway; trusted only with a valid signature. */
export const CLIENT_IP_HEADER = 'x-nexanest-client-ip';
/** Hex HMAC-SHA256 of `client-ip:<ip>`. */
export const CLIENT_IP_SIGNATURE_HEADER = 'x-nexanest-client-ip-signature';

export const signClientIp = (ip: string, secret: string) => signInternal(`client-ip:${ip}`, secret);
