import { forbidden, requireIdentity } from '@nexanest/graphql';
import type { NotificationsContext } from '../context.ts';
import type { OutboundEmailRow } from '../db/schema/index.ts';
import { listOutboundEmails } from '../outbound-emails-store.ts';

export const Query = {
  /** The email outbox is for operators: ADMIN or SUPERUSER signed in as themselves, never an API key. */
  outboundEmails: async (_parent: unknown, args: { to: string }, ctx: NotificationsContext) => {
    const caller = requireIdentity(ctx.identity);
    if (caller.scopes) throw forbidden('API keys cannot read the email outbox');
    if (caller.role !== 'ADMIN' && caller.role !== 'SUPERUSER') throw forbidden('Only administrators can read the email outbox');
    return listOutboundEmails(await ctx.db(), args.to);
  },
};

export const OutboundEmail = {
  to: (email: OutboundEmailRow) => email.toAddress,
};
