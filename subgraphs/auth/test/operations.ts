/** Operations shared by the auth tests, written as the clients send them. */
export const REGISTER = `mutation Register($input: RegisterInput!) {
  register(input: $input) { accessToken refreshToken expiresAt user { id email role emailVerified } }
}`;
export const LOGIN = `mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) { accessToken refreshToken expiresAt user { id email role } }
}`;
export const REFRESH = `mutation RefreshSession($refreshToken: String!) { refreshSession(refreshToken: $refreshToken) { accessToken refreshToken expiresAt } }`;
export const LOGOUT = `mutation Logout($refreshToken: String!) { logout(refreshToken: $refreshToken) }`;
export const REQUEST_RESET = `mutation RequestPasswordReset($email: String!) { requestPasswordReset(email: $email) }`;
export const RESET = `mutation ResetPassword($token: String!, $newPassword: String!) { resetPassword(token: $token, newPassword: $newPassword) }`;
export const VERIFY_EMAIL = `mutation VerifyEmail($token: String!) { verifyEmail(token: $token) }`;
export const UPDATE_PROFILE = `mutation UpdateProfile($input: UpdateProfileInput!) {
  updateProfile(input: $input) { id profile { displayName baseCurrency timezone riskTolerance } }
}`;
export const CREATE_API_KEY = `mutation CreateApiKey($input: CreateApiKeyInput!) {
  createApiKey(input: $input) { secret apiKey { id name prefix scopes createdAt expiresAt } }
}`;
export const REVOKE_API_KEY = `mutation RevokeApiKey($id: ID!) { revokeApiKey(id: $id) }`;
export const ME = `query Me { me { id email role emailVerified profile { displayName baseCurrency timezone riskTolerance } apiKeys { id name prefix scopes lastUsedAt } } }`;
export const ADMIN_USERS = `query AdminUsers($first: Int!, $after: String) {
  users(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id email role createdAt } } }
}`;
export const SET_USER_ROLE = `mutation SetUserRole($userId: ID!, $role: Role!) { setUserRole(userId: $userId, role: $role) { id role } }`;

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: string;
  user: { id: string; email: string; role: string };
}
