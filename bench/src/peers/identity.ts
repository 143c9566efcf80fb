// Configuration shared by the peer gateways: turn the client's `Authorization: Bearer <access
// token>` into the header our subgraphs trust (`x-nexanest-identity`, an HS256 JWT from the
// gateway, see packages/graphql/src/identity.ts). The same work as our gateway: the access token
// is verified on every request, and the identity token is signed once per user and reused for
// 30 s. (Our gateway also asks Redis whether the session was revoked; the peers do not.)
import { SignJWT, jwtVerify } from 'jose';

export const IDENTITY_HEADER = 'x-nexanest-identity';
const RESIGN_AFTER_MS = 30_000;

export function createPeerIdentity(env: NodeJS.ProcessEnv = process.env) {
  const accessKey = new TextEncoder().encode(env.JWT_SECRET ?? '');
  const identityKey = new TextEncoder().encode(env.GATEWAY_IDENTITY_SECRET ?? '');
  const signed = new Map<string, { token: Promise<string>; at: number }>();
  const sign = (userId: string, role: string) =>
    new SignJWT({ role })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(userId)
      .setIssuer('nexanest-gateway')
      .setAudience('nexanest-subgraphs')
      .setIssuedAt()
      .setExpirationTime('60s')
      .sign(identityKey);

  /** The identity header's value for this Authorization header, or null (anonymous or bad token). */
  return async (authorization: string | null | undefined): Promise<string | null> => {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '')?.[1];
    if (!token) return null;
    try {
      const { payload } = await jwtVerify(token, accessKey, { issuer: 'nexanest-auth', audience: 'nexanest-api', algorithms: ['HS256'] });
      if (typeof payload.sub !== 'string') return null;
      const role = String(payload.role);
      const key = `${payload.sub}|${role}`;
      const cached = signed.get(key);
      if (cached && Date.now() - cached.at <= RESIGN_AFTER_MS) return cached.token;
      if (signed.size >= 10_000) signed.clear();
      const fresh = { token: sign(payload.sub, role), at: Date.now() };
      signed.set(key, fresh);
      return fresh.token;
    } catch {
      return null;
    }
  };
}
