export { AppError, badInput, notFound, unauthenticated, forbidden, conflict, createFormatError, type ErrorCode } from './errors.ts';
export { isDatabaseBusy, isDatabaseUnavailable, DATABASE_BUSY, DATABASE_UNAVAILABLE } from './database-unavailable.ts';
export { DecimalScalar, DateTimeScalar, parseDecimal, parseDateTime } from './scalars.ts';
export { money, isCurrencyCode, MONEY_SCALE, type Money } from './money.ts';
export { signIdentity, verifyIdentity, IDENTITY_HEADER, type Identity } from './identity.ts';
export { createLogger, type Logger } from './logger.ts';
export { createSubgraphServer, type RequestScopedContext, type SubgraphDefinition, type SubgraphServer } from './subgraph-server.ts';
export { listen, type IncomingRequest, type ListenOptions, type RunningServer } from './listen.ts';
export { requireIdentity, requireScope, requireSignedInUser, hasScope } from './require-identity.ts';
export { signAccessToken, verifyAccessToken, singleKey, ACCESS_TOKEN_TTL_SECONDS, type AccessTokenKeys, type VerifiedAccessToken } from './access-token.ts';
export type { ServiceHandle } from './service-handle.ts';
export {
  signInternal,
  verifyInternalSignature,
  signClientIp,
  API_KEY_VERIFY_PATH,
  ADVISOR_LOOKUP_PATH,
  ADVISOR_CLIENTS_PATH,
  LEDGER_DIGESTS_PATH,
  LEDGER_PATH,
  FX_HISTORY_PATH,
  INTERNAL_SIGNATURE_HEADER,
  CLIENT_IP_HEADER,
  CLIENT_IP_SIGNATURE_HEADER,
} from './internal-signature.ts';
export { stopOnSignals } from './stop-on-signals.ts';
export { trackHttpRequests, DEFAULT_SHUTDOWN_GRACE_MS, type HttpDrain } from './http-drain.ts';
export {
  createMarketClient,
  MarketUnavailableError,
  type DailyCloses,
  type GoalFacts,
  type MarketClient,
  type MarketClientOptions,
  type MarketInstrument,
  type MarketQuote,
} from './market-client.ts';
export { postInternal, mountInternalRoute, InternalBadRequest, InternalCallError, type HttpApp, type InternalAnswer, type LateUrl } from './internal-call.ts';
export { REQUEST_ID_HEADER, requestIdFrom, requestIdMiddleware, requestIdPlugin } from './observability/request-id.ts';
export { createServiceMetrics, attachMetrics, metricsOf, type ServiceMetrics } from './observability/metrics.ts';
export { runHealthChecks, type HealthCheck, type HealthReport } from './observability/health.ts';
export { observeStores, type PoolUsageSource, type StoreObservations, type StreamGroupInfo } from './observability/store-metrics.ts';
