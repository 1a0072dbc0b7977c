/**
 * @llm-schema-registry/client: the TypeScript SDK of the LLM Schema Registry.
 * ES modules, no runtime dependencies (the platform's `fetch`; Node 20+ and browsers).
 */

export { RegistryClient } from "./client.js";
export type {
  ClientOptions,
  CompatibilityOptions,
  ExportOptions,
  RegisterOptions,
  RollbackOptions,
  SchemaOptions,
  ValidationTarget,
  VersionUpdate,
} from "./requests.js";
export { DEFAULT_CACHE_SIZE, DEFAULT_LATEST_TTL_MS, SchemaCache } from "./cache.js";
export type { CacheOptions } from "./cache.js";
export {
  AuthenticationError,
  ConflictError,
  ForbiddenError,
  IncompatibleError,
  InvalidRequestError,
  LocalValidationUnavailableError,
  NotFoundError,
  RateLimitError,
  RegistryError,
  RegistryUnavailableError,
  RequestAbortedError,
  RequestTimeoutError,
  errorFor,
} from "./errors.js";
export type { RegistryErrorOptions } from "./errors.js";
export { LocalValidator, defaultAjvFactory } from "./local.js";
export type {
  AjvFactory,
  AjvLike,
  AjvValidateFunction,
  AjvErrorObject,
  JsonSchemaDraft,
} from "./local.js";
export type {
  CacheStats,
  CompatibilityResult,
  DiffResult,
  ExportFinding,
  ExportResult,
  ExportTarget,
  LifecycleState,
  Problem,
  Reference,
  RegisteredSchema,
  RegistryConfig,
  RollbackResult,
  RuleWarning,
  SchemaChange,
  SchemaInput,
  SchemaType,
  ValidationOutcome,
  Version,
  VersionState,
} from "./models.js";
export { Transport, V1_JSON, segment } from "./transport.js";
export { STREAM_PATH, followEvents } from "./events.js";
export type { ChangeEvent, EventStreamOptions } from "./events.js";
export { WebhookVerificationError, verifyWebhook } from "./webhooks.js";
export type { VerifyOptions, WebhookHeaders } from "./webhooks.js";
export type {
  BasicAuth,
  Call,
  Query,
  RequestOptions,
  TokenSource,
  TransportOptions,
} from "./transport.js";
