/**
 * One error hierarchy for the SDK. Every error the client throws is a `RegistryError`;
 * `errorCode` is the registry's Confluent-style `error_code` (e.g. 40401) when it sent one,
 * `status` the HTTP status (undefined when the registry was never reached).
 */

export interface RegistryErrorOptions {
  errorCode?: number | undefined;
  status?: number | undefined;
  /** The registry's JSON error body, when there was one (e.g. 42251 lists `violations`). */
  body?: unknown;
  cause?: unknown;
}

export class RegistryError extends Error {
  readonly errorCode: number | undefined;
  readonly status: number | undefined;
  readonly body: unknown;

  constructor(message: string, options: RegistryErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.errorCode = options.errorCode;
    this.status = options.status;
    this.body = options.body;
  }
}

/** 404/410: no such subject, version or schema (40401, 40402, 40403, ...). */
export class NotFoundError extends RegistryError {}

/** 409: the request conflicts with the registry's state (e.g. 40950: lifecycle transition). */
export class ConflictError extends RegistryError {}

/** 409 / 40901: the schema breaks the subject's compatibility; the message lists why. */
export class IncompatibleError extends ConflictError {}

/** 400, 413, 422 and other 4xx: a malformed schema, version, rule set or request. */
export class InvalidRequestError extends RegistryError {}

/** 401: missing or refused credentials; also the base of `ForbiddenError`. */
export class AuthenticationError extends RegistryError {}

/** 403: the credentials are valid but lack the permission or the subject scope. */
export class ForbiddenError extends AuthenticationError {}

/** 429: the caller's rate limit is spent; never retried by the client. */
export class RateLimitError extends RegistryError {
  /** Seconds the registry asked to wait (`Retry-After`), when it said. */
  readonly retryAfterSeconds: number | undefined;

  constructor(message: string, options: RegistryErrorOptions & { retryAfterSeconds?: number }) {
    super(message, options);
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** The registry could not be reached, or kept answering 5xx after every retry. */
export class RegistryUnavailableError extends RegistryError {}

/** Every attempt ran out of time (`timeoutMs`). */
export class RequestTimeoutError extends RegistryUnavailableError {}

/** The caller's `AbortSignal` fired; `cause` is the signal's reason. Never retried. */
export class RequestAbortedError extends RegistryError {}

/** Local validation was asked for but cannot run (no `ajv`, or not a JSON Schema). */
export class LocalValidationUnavailableError extends RegistryError {}

type ErrorClass = new (message: string, options: RegistryErrorOptions) => RegistryError;

const BY_STATUS: Record<number, ErrorClass> = {
  400: InvalidRequestError,
  401: AuthenticationError,
  403: ForbiddenError,
  404: NotFoundError,
  409: ConflictError,
  410: NotFoundError,
  413: InvalidRequestError,
  422: InvalidRequestError,
};

/** The SDK error for an HTTP error reply (the body is the registry's JSON, if any). */
export function errorFor(status: number, body: unknown, retryAfter?: string | null): RegistryError {
  const fields = isRecord(body) ? body : {};
  const code = typeof fields["error_code"] === "number" ? fields["error_code"] : status;
  const message = typeof fields["message"] === "string" ? fields["message"] : `HTTP ${status}`;
  const options = { errorCode: code, status, body };
  if (status >= 500) {
    return new RegistryUnavailableError(message, options);
  }
  if (status === 429) {
    const seconds = retryAfter ? Number(retryAfter) : NaN;
    return new RateLimitError(message, {
      ...options,
      ...(Number.isFinite(seconds) ? { retryAfterSeconds: seconds } : {}),
    });
  }
  if (code === 40901) {
    return new IncompatibleError(message, options);
  }
  const kind = BY_STATUS[status] ?? (status >= 400 ? InvalidRequestError : RegistryError);
  return new kind(message, options);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
