export { startAuthService, type StartAuthOptions } from './start.ts';
export { createAuthServer, authTypeDefs } from './server.ts';
export { createAuthContext, canSeeUser, type AuthContext, type AuthDeps } from './context.ts';
export { authEnvSchema, DEV_ADMIN_PASSWORD, type AuthEnv } from './env.ts';
export { ensureBootstrapAdmin, BOOTSTRAP_ADMIN_EMAIL } from './bootstrap-admin.ts';
export { registerUser, loginUser, type AuthPayload, type RegisterInput } from './accounts.ts';
export { hashPassword, verifyPassword } from './domain/password.ts';
export { schema as authSchema } from './db/index.ts';
// For the gateway and the launcher: immediate session revocation.
export {
  createSessionRevocations,
  createInMemorySessionRevocations,
  createRedisSessionRevocations,
  sessionRevokedKey,
  SESSIONS_REDIS_DB,
  SESSION_REVOCATION_TTL_SECONDS,
  type SessionRevocations,
  type SessionRevokedKey,
} from './session-revocations.ts';
// For the gateway: API-key verification and the signed client IP.
export {
  API_KEY_VERIFY_PATH,
  INTERNAL_SIGNATURE_HEADER,
  CLIENT_IP_HEADER,
  CLIENT_IP_SIGNATURE_HEADER,
  signInternal,
  signClientIp,
  verifyInternalSignature,
} from './internal-routes.ts';
export { API_KEY_SCOPES, type VerifiedApiKey } from './api-keys.ts';
export { eventsStreamKey } from './outbox-relay.ts';
export { EMAIL_VERIFICATION_REQUESTED, PASSWORD_RESET_REQUESTED, type EmailTokenEvent } from './outbox.ts';
