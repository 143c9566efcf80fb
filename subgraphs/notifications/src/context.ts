import type { Bus } from '@nexanest/bus';
import { createRequestScope, type Sql } from '@nexanest/db';
import type { Identity, MarketClient, RequestScopedContext } from '@nexanest/graphql';
import type { NotificationsDb, NotificationsPool, NotificationsSchema } from './db/index.ts';
import { createLoaders, type Loaders } from './loaders.ts';

export interface NotificationsDeps {
  /** The pool's drizzle handle. Resolvers never use it directly: they go through `context.db()`. */
  db: NotificationsPool['db'];
  /** Where notifications are published for `notificationAdded`. */
  bus: Bus;
  /** Asked whether an alert's symbol exists, and its latest price. */
  market: MarketClient;
  /** Tells the alert evaluators (this instance's and the others') that a symbol has an active alert. */
  watchSymbol(symbol: string): Promise<void>;
  /** The time-series database holding the audit trail (schema events), read by AuditEvents. */
  audit: Sql;
}

/** What every resolver sees: the caller, this request's transaction and its loaders. */
export interface NotificationsContext extends RequestScopedContext {
  identity: Identity | null;
  deps: NotificationsDeps;
  /** The request's transaction, begun on first use with app.user_id / app.role set (for row-level security). */
  db(): Promise<NotificationsDb>;
  loaders: Loaders;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Builds `createContext(identity)` for `listen`: one lazily begun transaction per request
 * (committed by `endRequest`), and loaders on it. A WebSocket subscription keeps its context
 * for its whole life and never touches the database, so it never begins one.
 */
export const createNotificationsContext =
  (deps: NotificationsDeps) =>
  (identity: Identity | null): NotificationsContext => {
    const userId = identity && UUID.test(identity.userId) ? identity.userId.toLowerCase() : null;
    const scope = createRequestScope<NotificationsSchema>(deps.db, { userId, role: identity?.role ?? null });
    return { identity, deps, db: scope.db, loaders: createLoaders(scope.db), endRequest: scope.end };
  };
