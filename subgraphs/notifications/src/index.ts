export { startNotificationsService } from './start.ts';
export { createNotificationsServer, notificationsTypeDefs } from './server.ts';
export { createNotificationsContext, type NotificationsContext, type NotificationsDeps } from './context.ts';
export { notificationsEnvSchema, type NotificationsEnv } from './env.ts';
export { updatePreferences } from './preferences-store.ts';
export { DEFAULT_PREFERENCES, type Preferences } from './domain/preferences.ts';
export { schema as notificationsSchema } from './db/index.ts';
export { createNotificationsEventsConsumer, NOTIFICATIONS_CONSUMER_GROUP } from './events/events-consumer.ts';
export { listOutboundEmails } from './outbound-emails-store.ts';
