/**
 * @module index
 * Public entry of `@jupay/gateway-sim`: re-exports only (the standalone server lives in server.ts).
 */
export {
  createGatewaySim,
  type GatewaySim,
  type GatewaySimControls,
  type GatewaySimOptions,
  type PayResult,
  type RunningGatewaySim,
} from './app.ts';
export {
  isGatewayPath,
  MAX_SLOW_MS,
  UP,
  validateAvailability,
  type Availability,
  type Down,
} from './availability.ts';
export {
  parseFleet,
  startGatewayFleet,
  validateFleet,
  type FleetMember,
  type GatewayFleet,
  type GatewaySpec,
} from './fleet.ts';
export { DEMO_MERCHANT, parseMerchantList, validateMerchants, type Merchant } from './merchants.ts';
export {
  validateFaults,
  type Behaviour,
  type FaultEntry,
  type Faults,
  type FaultTarget,
  type QueryMode,
} from './faults.ts';
export {
  buildNotificationBody,
  isAcknowledged,
  resultFields,
  type AttemptKind,
  type NotificationAttempt,
} from './notifier.ts';
export { filterInput, htmlspecialchars, phpIntval, stripTags } from './input-filter.ts';
export { parsePhpForm, phpUrlDecode } from './php-form.ts';
export type { Order, OrderStatus } from './orders.ts';
