export * from './notification-preferences.ts';
