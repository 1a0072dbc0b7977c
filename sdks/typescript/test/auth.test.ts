/**
 * API key, Basic and Bearer auth against a real registry with authentication on
 * (`REGISTRY_AUTH_ENABLED=true`, HS256 JWTs), and the 401/403 errors it answers.
 */

import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { after, before, test } from "node:test";

import { AuthenticationError, ForbiddenError, RegistryClient } from "@llm-schema-registry/client";

import { type RunningRegistry, startRegistry } from "./support.js";

const JWT_SECRET = "ts-sdk-test-secret-of-at-least-32-bytes!";
const SCHEMA = JSON.stringify({ type: "string" });

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString("base64url");
}

/** An HS256 token the registry accepts, with the given roles claim. */
function jwt(roles: unknown[]): string {
  const header = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const claims = base64url(
    JSON.stringify({ sub: "ts-sdk", roles, exp: Math.floor(Date.now() / 1000) + 600 }),
  );
  const signature = createHmac("sha256", JWT_SECRET).update(`${header}.${claims}`).digest();
  return `${header}.${claims}.${base64url(signature)}`;
}

let registry: RunningRegistry;
let admin: RegistryClient;

before(async () => {
  registry = await startRegistry({
    REGISTRY_AUTH_ENABLED: "true",
    REGISTRY_JWT_SECRET: JWT_SECRET,
  });
  admin = new RegistryClient({ url: registry.url, bearerToken: jwt(["admin"]) });
});

after(async () => {
  await registry?.stop();
});

async function createKey(
  role: string,
  subjects?: string[],
): Promise<{ key_id: string; secret: string }> {
  const body = subjects ? { role, subjects } : { role };
  const created = await admin.transport.request({ method: "POST", path: "/admin/keys", body });
  return created as { key_id: string; secret: string };
}

test("no credentials: AuthenticationError 401 / 40101", async () => {
  const anonymous = new RegistryClient({ url: registry.url });
  const error = await anonymous.subjects().catch((e: unknown) => e);
  assert.ok(error instanceof AuthenticationError && !(error instanceof ForbiddenError));
  assert.deepEqual([error.status, error.errorCode], [401, 40101]);
});

test("a bearer token (string or function) is accepted", async () => {
  const id = await admin.register("auth-bearer", SCHEMA);
  let calls = 0;
  const refreshing = new RegistryClient({
    url: registry.url,
    bearerToken: async () => {
      calls += 1;
      return jwt(["consumer"]);
    },
  });
  assert.equal((await refreshing.getSchema(id)).id, id);
  assert.equal(calls, 1);

  const wrong = new RegistryClient({ url: registry.url, bearerToken: `${jwt(["admin"])}x` });
  await assert.rejects(wrong.subjects(), AuthenticationError);
});

test("an API key is accepted as X-API-Key and as Basic key_id:secret", async () => {
  const { key_id, secret } = await createKey("publisher");
  const byHeader = new RegistryClient({ url: registry.url, apiKey: secret });
  const id = await byHeader.register("auth-api-key", SCHEMA);

  const byBasic = new RegistryClient({
    url: registry.url,
    basicAuth: { username: key_id, password: secret },
  });
  assert.equal((await byBasic.getLatest("auth-api-key")).id, id);

  const wrong = new RegistryClient({
    url: registry.url,
    basicAuth: { username: key_id, password: "not-the-secret" },
  });
  const error = await wrong.getSchema(id).catch((e: unknown) => e);
  assert.ok(error instanceof AuthenticationError);
  assert.equal(error.errorCode, 40101);
});

test("a role or scope that does not allow the call: ForbiddenError 403 / 40301", async () => {
  const { secret } = await createKey("consumer");
  const consumer = new RegistryClient({ url: registry.url, apiKey: secret });
  const error = await consumer.register("auth-forbidden", SCHEMA).catch((e: unknown) => e);
  assert.ok(error instanceof ForbiddenError && error instanceof AuthenticationError);
  assert.deepEqual([error.status, error.errorCode], [403, 40301]);

  const scoped = await createKey("publisher", ["team-a.*"]);
  const teamA = new RegistryClient({ url: registry.url, apiKey: scoped.secret });
  await teamA.register("team-a.orders", SCHEMA);
  await assert.rejects(teamA.register("team-b.orders", SCHEMA), ForbiddenError);
});
