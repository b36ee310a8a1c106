/**
 * @module @jupay/signer
 * The self-hosted jupay service: keeps the key, signs orders, applies notifications exactly once.
 */
export { createSigner, type Signer, type SignerDeps, type SignerService } from './app.ts';
export {
  loadConfig,
  type SignerConfig,
  type BankMethod,
  type Product,
  type LoadConfigOptions,
} from './config/load-config.ts';
export { parseEnvFile, withEnvFile } from './config/env-file.ts';
export {
  ACCOUNT_SETTINGS,
  accountSetting,
  DEFAULT_ACCOUNT_ID,
  type GatewayAccount,
} from './config/gateway-accounts.ts';
export { createGateways, type Gateways, type GatewaysOptions } from './gateways/gateways.ts';
export type { GatewayHealth } from './gateways/health-state.ts';
export { routeAccount, servedCodes } from './gateways/route-account.ts';
export { ConfigError, HttpError, ERROR_STATUS, type ErrorCode, type ConfigProblem } from './errors.ts';
export {
  applyPayment,
  applyNotification,
  type NotificationEvidence,
  type PaymentEvidence,
  type ApplyPaymentResult,
  type ApplyPaymentOutcome,
} from './orders/apply-payment.ts';
export { startServer, type RunningSigner } from './server.ts';
export { openStore } from './store/open-store.ts';
export { openSqliteStore, SqliteStore } from './store/sqlite-store.ts';
export * from './store/order-store.ts';
export { createLogger, type Logger } from './log.ts';
export {
  createPostgresStore,
  PostgresOrderStore,
  type PostgresStoreOptions,
} from './store/postgres-store.ts';
export {
  verifyWebhook,
  signWebhook,
  parseWebhookEvent,
  WebhookVerificationError,
  WebhookArgumentError,
  SIGNATURE_HEADER,
  EVENT_ID_HEADER,
  DELIVERY_ATTEMPT_HEADER,
  DEFAULT_TOLERANCE_SECONDS,
  ORDER_PAID,
  type WebhookEvent,
  type WebhookEventType,
  type OrderPaidEvent,
  type OrderPaidData,
  type WebhookErrorCode,
  type WebhookArgumentCode,
  type VerifyWebhookOptions,
  type SignWebhookOptions,
} from '@jupay/webhook';
export { createWebhookSender, type WebhookSender, type WebhookSenderOptions } from './webhook/sender.ts';
export {
  createReconciler,
  type Reconciler,
  type ReconcilerOptions,
  type ReconcilerAccount,
  type ReconcileOutcome,
} from './reconcile/reconciler.ts';
export {
  parseReconcileSchedule,
  parseRetryDelays,
  parseDuration,
  DEFAULT_RECONCILE_SCHEDULE,
  UNSUBMITTED_QUERY_BUDGET,
} from './reconcile/schedule.ts';
export {
  createQueryRate,
  DEFAULT_GATEWAY_ID,
  DEFAULT_QUERY_RATE,
  type QueryRate,
  type QueryRateOptions,
} from './reconcile/query-rate.ts';
export {
  createQueryStats,
  type QueryStats,
  type QueryStatsOptions,
  type QueryStatsSnapshot,
  type QueryKind,
  type QueryCounts,
} from './reconcile/query-stats.ts';
export { createWidgetRoutes, type WidgetRoutesOptions } from './routes/widget.ts';
export { widgetSnippet, WIDGET_BUILD_COMMAND, type WidgetSnippet } from './widget/widget-asset.ts';
