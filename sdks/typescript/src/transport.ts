/**
 * HTTP to the registry over the platform's `fetch` (Node 20+, browsers): auth headers, one
 * timeout per attempt, the caller's `AbortSignal`, JSON in and out, replies decoded into SDK
 * errors, and retries with exponential backoff and full jitter on network errors, timeouts and
 * 5xx, never on 4xx. Everything that talks HTTP goes through `Transport`; the change stream
 * (`events.ts`) reuses its URL, headers, `fetch` and backoff.
 */

import {
  RegistryError,
  RegistryUnavailableError,
  RequestAbortedError,
  RequestTimeoutError,
  errorFor,
} from "./errors.js";

export const V1_JSON = "application/vnd.schemaregistry.v1+json";

export interface BasicAuth {
  /** The API key id (or user name). */
  username: string;
  /** The API key secret (or password). */
  password: string;
}

/** A bearer token, or a function giving a fresh one for each request (e.g. to refresh a JWT). */
export type TokenSource = string | (() => string | Promise<string>);

export interface TransportOptions {
  /** The registry's base URL, e.g. `http://127.0.0.1:8081`. */
  url: string;
  /** Sent as `X-API-Key`. */
  apiKey?: string | undefined;
  /** Sent as HTTP Basic (`key_id:secret`, like Confluent's `basic.auth.user.info`). */
  basicAuth?: BasicAuth | undefined;
  /** Sent as `Authorization: Bearer <token>`. */
  bearerToken?: TokenSource | undefined;
  /** Extra headers for every request. */
  headers?: Record<string, string> | undefined;
  /** Retries after the first attempt on network errors, timeouts and 5xx (default 3). */
  retries?: number | undefined;
  /** The first retry waits up to this long, doubling after (default 200 ms). */
  backoffMs?: number | undefined;
  /** Longest wait between two attempts (default 5000 ms). */
  maxBackoffMs?: number | undefined;
  /** Time allowed for each attempt, reply body included (default 10000 ms; 0: none). */
  timeoutMs?: number | undefined;
  /** A `fetch` to use instead of the global one (e.g. one with a proxy agent). */
  fetch?: typeof fetch | undefined;
}

/** Per-call options every client method takes last. */
export interface RequestOptions {
  /** Aborts the call (every attempt and the waits between them); never retried. */
  signal?: AbortSignal | undefined;
  /** Overrides the client's `timeoutMs` for this call. */
  timeoutMs?: number | undefined;
}

export type Query = Record<string, string | number | boolean | undefined>;

/** One HTTP request to the registry, as data. */
export interface Call {
  method: "GET" | "POST" | "PUT" | "DELETE";
  path: string;
  query?: Query | undefined;
  body?: unknown;
}

/** A path segment: subjects may hold `/`, spaces, `%` and more. */
export function segment(value: string | number): string {
  return encodeURIComponent(String(value));
}

const TIMED_OUT = Symbol("timed out");

export class Transport {
  /** HTTP attempts made so far (each retry counts). */
  attempts = 0;
  readonly baseUrl: string;
  private readonly options: TransportOptions;
  /** The `fetch` every request goes through (also the change stream's). */
  readonly fetchImpl: typeof fetch;

  constructor(options: TransportOptions) {
    this.options = options;
    this.baseUrl = options.url.replace(/\/+$/, "");
    // A bare reference to window.fetch throws "Illegal invocation" in browsers when called
    // as a method of another object, so bind it.
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  url(path: string, query?: Query): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) {
        params.set(key, String(value));
      }
    }
    const search = params.toString();
    return `${this.baseUrl}${path}${search ? `?${search}` : ""}`;
  }

  /** Default and auth headers for a request (async: a bearer token may be fetched). */
  async headers(): Promise<Record<string, string>> {
    const found: Record<string, string> = {
      Accept: `${V1_JSON}, application/json`,
      // Lifecycle fields (state, sunset_date, reason) come only to clients that accept them.
      "Confluent-Accept-Unknown-Properties": "true",
      ...this.options.headers,
    };
    const { apiKey, basicAuth, bearerToken } = this.options;
    if (apiKey) {
      found["X-API-Key"] = apiKey;
    }
    if (basicAuth) {
      found["Authorization"] = `Basic ${base64(`${basicAuth.username}:${basicAuth.password}`)}`;
    }
    if (bearerToken) {
      const token = typeof bearerToken === "string" ? bearerToken : await bearerToken();
      found["Authorization"] = `Bearer ${token}`;
    }
    return found;
  }

  /** The reply's JSON (undefined when empty), or the SDK error it stands for. */
  async request(call: Call, options: RequestOptions = {}): Promise<unknown> {
    const retries = this.retries;
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.attempt(call, options);
      } catch (error) {
        if (!(error instanceof RegistryUnavailableError) || attempt >= retries) {
          throw error;
        }
        await sleep(this.backoff(attempt), options.signal);
      }
    }
  }

  /** Retries after a first failed attempt (also reconnections in a row of the stream). */
  get retries(): number {
    return Math.max(0, this.options.retries ?? 3);
  }

  /** How long to wait before retry number `attempt` (from 0): full jitter, doubling. */
  backoff(attempt: number): number {
    const base = this.options.backoffMs ?? 200;
    const cap = this.options.maxBackoffMs ?? 5000;
    return Math.random() * Math.min(cap, base * 2 ** attempt);
  }

  private async attempt(call: Call, options: RequestOptions): Promise<unknown> {
    const signal = options.signal;
    throwIfAborted(signal);
    const headers = await this.headers();
    let body: string | undefined;
    if (call.body !== undefined) {
      headers["Content-Type"] = V1_JSON;
      body = JSON.stringify(call.body);
    }
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? 10_000;
    const timer =
      timeoutMs > 0 ? setTimeout(() => controller.abort(TIMED_OUT), timeoutMs) : undefined;
    this.attempts += 1;
    try {
      const init: RequestInit = { method: call.method, headers, signal: controller.signal };
      if (body !== undefined) {
        init.body = body;
      }
      const response = await this.fetchImpl(this.url(call.path, call.query), init);
      const text = await response.text();
      return decode(response, text);
    } catch (error) {
      throw this.failure(error, signal, controller.signal, timeoutMs);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  private failure(
    error: unknown,
    signal: AbortSignal | undefined,
    attemptSignal: AbortSignal,
    timeoutMs: number,
  ): RegistryError {
    if (error instanceof RegistryError) {
      return error;
    }
    if (signal?.aborted) {
      return aborted(signal);
    }
    if (attemptSignal.aborted && attemptSignal.reason === TIMED_OUT) {
      return new RequestTimeoutError(`no reply from ${this.baseUrl} within ${timeoutMs} ms`);
    }
    const detail = error instanceof Error ? error.message : String(error);
    return new RegistryUnavailableError(`registry at ${this.baseUrl} unreachable: ${detail}`, {
      cause: error,
    });
  }
}

function decode(response: Response, text: string): unknown {
  let body: unknown;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  if (!response.ok) {
    throw errorFor(response.status, body, response.headers.get("Retry-After"));
  }
  if (text && body === undefined) {
    throw new RegistryError(`the registry answered ${response.status} with a non-JSON body`, {
      status: response.status,
      body: text,
    });
  }
  return body;
}

function aborted(signal: AbortSignal): RequestAbortedError {
  return new RequestAbortedError("the request was aborted", { cause: signal.reason });
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw aborted(signal);
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    throwIfAborted(signal);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(aborted(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Base64 of the UTF-8 bytes (`btoa` alone refuses characters above U+00FF). */
function base64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) {
    binary += String.fromCharCode(byte);
  }
  return btoa(binary);
}
