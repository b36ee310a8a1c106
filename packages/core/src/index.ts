/**
 * @module @jupay/core
 * The 聚合支付 gateway protocol: sign, verify, build payment requests, parse notifications and query answers.
 */
export * from './bank-codes.ts';
export * from './china-time.ts';
export * from './credentials.ts';
export * from './errors.ts';
export * from './form.ts';
export * from './money.ts';
export * from './notification.ts';
export * from './order-id.ts';
export * from './payment-request.ts';
export * from './query.ts';
export * from './signature.ts';
export { md5Hex } from '#md5';
