/** What a domain event tells a user, in words: the in-app notification's title, body and data. */
export interface RenderedNotification {
  title: string;
  body: string;
  data: Record<string, unknown>;
}

export interface TransactionRecorded {
  portfolioId: string;
  transactionId: string;
  type: string;
  symbol: string | null;
  quantity: string | null;
  amount: string;
  currency: string;
  occurredAt: string;
}

/** "BUY 10 AAPL" / "DEPOSIT": amounts stay the decimal strings the ledger wrote. */
export function renderTransactionConfirmation(tx: TransactionRecorded): RenderedNotification {
  const what = [tx.type, tx.quantity, tx.symbol].filter((part) => part !== null && part !== '').join(' ');
  return {
    title: `Transaction recorded: ${what}`,
    body: `${what} was recorded with an amount of ${tx.amount} ${tx.currency} (executed ${tx.occurredAt}).`,
    data: { ...tx },
  };
}

export interface SuspiciousLogin {
  ip: string | null;
  userAgent: string | null;
  at: string;
}

export function renderSuspiciousLogin(login: SuspiciousLogin): RenderedNotification {
  const from = [login.ip ? `address ${login.ip}` : null, login.userAgent ? `browser ${login.userAgent}` : null].filter(Boolean).join(', ');
  return {
    title: 'New sign-in to your account',
    body: `Your account was signed in to from ${from || 'a new device'} at ${login.at}. If this was not you, change your password now.`,
    data: { ...login },
  };
}

export function renderSecurityEmail(notification: RenderedNotification, appUrl: string): { subject: string; body: string } {
  const base = appUrl.replace(/\/+$/, '');
  return {
    subject: `NexaNest security alert: ${notification.title}`,
    body: ['Hello,', '', notification.body, '', `Review your sessions at ${base}/security.`].join('\n'),
  };
}

export function renderGoalReached(goal: { goalId: string; portfolioId: string; name: string | null }): RenderedNotification {
  return {
    title: goal.name ? `Goal reached: ${goal.name}` : 'Goal reached',
    body: goal.name ? `Your portfolio reached its goal "${goal.name}".` : 'Your portfolio reached one of its goals.',
    data: { ...goal },
  };
}
