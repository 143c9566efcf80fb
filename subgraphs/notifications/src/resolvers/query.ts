import { forbidden, requireIdentity } from '@nexanest/graphql';
import type { NotificationsContext } from '../context.ts';
import type { OutboundEmailRow } from '../db/schema/index.ts';
import { listAuditEvents } from '../audit/audit-store.ts';
import { listOutboundEmails } from '../outbound-emails-store.ts';

/** Operators only: ADMIN or SUPERUSER signed in as themselves, never an API key. */
function assertOperator(ctx: NotificationsContext, what: string): void {
  const caller = requireIdentity(ctx.identity);
  if (caller.scopes) throw forbidden(`API keys cannot read ${what}`);
  if (caller.role !== 'ADMIN' && caller.role !== 'SUPERUSER') throw forbidden(`Only administrators can read ${what}`);
}

export const Query = {
  auditEvents: (_parent: unknown, args: { first: number; after?: string | null; userId?: string | null; kind?: string | null }, ctx: NotificationsContext) => {
    assertOperator(ctx, 'the audit trail');
    return listAuditEvents(ctx.deps.audit, args);
  },
  /** The email outbox is for operators: ADMIN or SUPERUSER signed in as themselves, never an API key. */
  outboundEmails: async (_parent: unknown, args: { to: string }, ctx: NotificationsContext) => {
    assertOperator(ctx, 'the email outbox');
    return listOutboundEmails(await ctx.db(), args.to);
  },
};

export const OutboundEmail = {
  to: (email: OutboundEmailRow) => email.toAddress,
};
