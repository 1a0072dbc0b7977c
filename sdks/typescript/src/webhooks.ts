/**
 * Verifying the registry's webhook deliveries (Standard Webhooks, standardwebhooks.com) with
 * the platform's Web Crypto only (`crypto.subtle`: Node 20+, browsers, edge runtimes).
 *
 * A delivery carries `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature`
 * (`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, space-separated when several); the secret
 * is `whsec_<base64 key>`, as `POST /webhooks` returned it.
 */

import { RegistryError, isRecord } from "./errors.js";

/** A delivery with missing or stale headers, or no signature matching the secret. */
export class WebhookVerificationError extends RegistryError {}

/** Header names to values: a `Headers`, or a plain object (Node's `IncomingHttpHeaders`). */
export type WebhookHeaders = Headers | Record<string, string | readonly string[] | undefined>;

export interface VerifyOptions {
  /** Seconds a timestamp may be off from now (default 300, as the libraries). */
  toleranceSeconds?: number | undefined;
  /** "Now" in milliseconds (default `Date.now()`), for tests. */
  now?: number | undefined;
}

const SECRET_PREFIX = "whsec_";
const DEFAULT_TOLERANCE_SECONDS = 300;

/**
 * The delivery's CloudEvent, once its signature checks out. `body`: the raw request body as
 * received (re-serialized JSON would not match). Rejects with `WebhookVerificationError`.
 */
export async function verifyWebhook(
  headers: WebhookHeaders,
  body: string | Uint8Array | ArrayBuffer,
  secret: string,
  options: VerifyOptions = {},
): Promise<Record<string, unknown>> {
  const id = header(headers, "webhook-id");
  const stamp = header(headers, "webhook-timestamp");
  const signatures = header(headers, "webhook-signature");
  if (!id || !stamp || !signatures) {
    throw new WebhookVerificationError("Missing webhook-id, webhook-timestamp or signature.");
  }
  if (!/^\d+$/.test(stamp)) {
    throw new WebhookVerificationError("webhook-timestamp is not a Unix time.");
  }
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const now = (options.now ?? Date.now()) / 1000;
  if (Math.abs(now - Number(stamp)) > tolerance) {
    throw new WebhookVerificationError("webhook-timestamp is outside the tolerance window.");
  }
  const raw = bytesOf(body);
  const signed = concat(new TextEncoder().encode(`${id}.${stamp}.`), raw);
  const key = await crypto.subtle.importKey(
    "raw",
    secretKey(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["verify"],
  );
  for (const given of signatures.split(" ")) {
    const [version, encoded] = given.split(",", 2);
    const signature = version === "v1" && encoded ? decodeBase64(encoded) : undefined;
    // subtle.verify compares in constant time
    if (signature && (await crypto.subtle.verify("HMAC", key, signature, signed))) {
      return parse(raw);
    }
  }
  throw new WebhookVerificationError("No matching webhook signature.");
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (headers instanceof Headers) {
    return headers.get(name) ?? undefined;
  }
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) {
      return typeof value === "string" ? value : value?.join(" ");
    }
  }
  return undefined;
}

function secretKey(secret: string): Uint8Array<ArrayBuffer> {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = decodeBase64(encoded);
  if (!key || key.length === 0) {
    throw new WebhookVerificationError("A webhook secret is base64, optionally 'whsec_…'.");
  }
  return key;
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
  try {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i += 1) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes;
  } catch {
    return undefined;
  }
}

function bytesOf(body: string | Uint8Array | ArrayBuffer): Uint8Array<ArrayBuffer> {
  if (typeof body === "string") {
    return new TextEncoder().encode(body);
  }
  return new Uint8Array(body instanceof ArrayBuffer ? body : copy(body));
}

function copy(bytes: Uint8Array): ArrayBuffer {
  const out = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(out).set(bytes);
  return out;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function parse(raw: Uint8Array): Record<string, unknown> {
  let found: unknown;
  try {
    found = JSON.parse(new TextDecoder().decode(raw));
  } catch {
    found = undefined;
  }
  if (!isRecord(found)) {
    throw new WebhookVerificationError("The delivery's body is not a JSON object (a CloudEvent).");
  }
  return found;
}
