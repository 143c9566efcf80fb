export * from './notification-preferences.ts';
export * from './notifications.ts';
export * from './outbound-emails.ts';
export * from './price-alerts.ts';
export * from './processed-events.ts';
