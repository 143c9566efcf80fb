import type { Identity } from '@nexanest/graphql';
import type { NotificationsDb } from './db/index.ts';
import { createLoaders, type Loaders } from './loaders.ts';

export interface NotificationsDeps {
  db: NotificationsDb;
}

export interface NotificationsContext {
  identity: Identity | null;
  deps: NotificationsDeps;
  loaders: Loaders;
}

export const createNotificationsContext =
  (deps: NotificationsDeps) =>
  (identity: Identity | null): NotificationsContext => ({ identity, deps, loaders: createLoaders(deps.db) });
