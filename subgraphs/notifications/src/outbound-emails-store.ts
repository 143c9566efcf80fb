import { desc, eq } from 'drizzle-orm';
import type { NotificationsDb } from './db/index.ts';
import { type OutboundEmailRow, outboundEmails } from './db/schema/index.ts';

export const OUTBOUND_EMAILS_LIMIT = 50;

/** The newest emails queued for an address (stored lower-case), newest first. */
export function listOutboundEmails(db: NotificationsDb, to: string): Promise<OutboundEmailRow[]> {
  return db
    .select()
    .from(outboundEmails)
    .where(eq(outboundEmails.toAddress, to.trim().toLowerCase()))
    .orderBy(desc(outboundEmails.createdAt), desc(outboundEmails.id))
    .limit(OUTBOUND_EMAILS_LIMIT);
}
