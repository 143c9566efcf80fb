import { signAccessToken, singleKey } from '@nexanest/graphql';
import { secrets } from './config.ts';
import type { BenchUser } from './dataset.ts';

/** An access token per user, as auth would issue at sign-in (they live 15 minutes: mint per scenario). */
export async function mintTokens(users: BenchUser[]): Promise<string[]> {
  const keys = singleKey(secrets.JWT_SECRET);
  return Promise.all(users.map(async (u) => (await signAccessToken({ userId: u.userId, role: 'USER', sessionId: u.sessionId }, keys)).token));
}
