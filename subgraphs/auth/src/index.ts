export { startAuthService } from './start.ts';
export { createAuthServer, authTypeDefs } from './server.ts';
export { createAuthContext, canSeeUser, type AuthContext, type AuthDeps } from './context.ts';
export { authEnvSchema, DEV_ADMIN_PASSWORD, type AuthEnv } from './env.ts';
export { ensureBootstrapAdmin, BOOTSTRAP_ADMIN_EMAIL } from './bootstrap-admin.ts';
export { registerUser, loginUser, type AuthPayload, type RegisterInput } from './accounts.ts';
export { hashPassword, verifyPassword } from './domain/password.ts';
export { schema as authSchema } from './db/index.ts';
