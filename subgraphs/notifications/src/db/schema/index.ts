export * from './notification-preferences.ts';
export * from './outbound-emails.ts';
