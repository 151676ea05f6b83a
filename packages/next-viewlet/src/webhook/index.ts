export {
  createRevalidationHandler,
  type RevalidationHandlerOptions,
  type InvalidationAction,
  type InvalidationOutcome,
  type RevalidationEvent,
} from './handler.ts';
export {
  sendRevalidation,
  WebhookResponseError,
  type SendRevalidationOptions,
  type RevalidationResult,
} from './send.ts';
export {
  signWebhook,
  verifyWebhook,
  type SignWebhookOptions,
  type WebhookHeaders,
  type VerifyWebhookOptions,
  type VerifiedWebhook,
} from './signature.ts';
export { generateWebhookSecret } from './secrets.ts';
export type { RevalidationPayload, RevalidationMode, ViewletTarget } from './payload.ts';
export type { RateLimitOptions } from './rate-limit.ts';
export type { WebhookErrorBody } from './responses.ts';
export type { ViewletLogger } from '../util/log.ts';
