/** Kinds of email the notifications service sends; stored in `outbound_emails.kind`. */
export type EmailKind = 'email_verification' | 'password_reset' | 'price_alert' | 'security_alert';

/** Emails auth asks for; their addresses are the ones auth knows for the user. */
export const ADDRESS_SOURCE_KINDS: readonly EmailKind[] = ['email_verification', 'password_reset'];

export interface RenderedEmail {
  subject: string;
  body: string;
}

/** The verification or reset email for a one-time token. The result contains the token: never log it. */
export function renderTokenEmail(
  kind: 'email_verification' | 'password_reset',
  input: { appUrl: string; token: string; expiresAt?: string | undefined },
): RenderedEmail {
  const base = input.appUrl.replace(/\/+$/, '');
  const token = encodeURIComponent(input.token);
  const expiry = input.expiresAt ? `The link expires at ${input.expiresAt}.` : 'The link expires soon.';
  if (kind === 'email_verification') {
    return {
      subject: 'Confirm your NexaNest email',
      body: [
        'Hello,',
        '',
        'Please confirm your email address for NexaNest by opening this link:',
        `${base}/verify-email?token=${token}`,
        '',
        `${expiry} If you did not create a NexaNest account, you can ignore this email.`,
      ].join('\n'),
    };
  }
  return {
    subject: 'Reset your NexaNest password',
    body: [
      'Hello,',
      '',
      'Someone asked to reset the password of your NexaNest account. To choose a new password, open this link:',
      `${base}/reset-password?token=${token}`,
      '',
      `${expiry} If you did not ask for this, you can ignore this email; your password stays as it is.`,
    ].join('\n'),
  };
}

/** The email of a fired price alert (same words as the in-app notification). */
export function renderAlertEmail(input: { title: string; body: string; appUrl: string }): RenderedEmail {
  const base = input.appUrl.replace(/\/+$/, '');
  return {
    subject: `NexaNest price alert: ${input.title}`,
    body: ['Hello,', '', input.body, '', `Manage your alerts at ${base}/alerts.`].join('\n'),
  };
}
