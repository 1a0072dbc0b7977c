/**
 * The cache (hits counted, TTL, LRU bound, dropped on 404) against a real registry, retries
 * through a real proxy that answers 503 first, no retry on 4xx, timeouts and AbortSignal.
 */

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import {
  InvalidRequestError,
  NotFoundError,
  RegistryClient,
  RegistryUnavailableError,
  RequestAbortedError,
  RequestTimeoutError,
} from "@llm-schema-registry/client";

import {
  type RunningRegistry,
  freePort,
  reply,
  startFlakyProxy,
  startRegistry,
  startServer,
  uniqueSubject,
} from "./support.js";

const SCHEMA = JSON.stringify({
  type: "record",
  name: "Usage",
  fields: [{ name: "tokens", type: "int" }],
});
const SCHEMA_V2 = JSON.stringify({
  type: "record",
  name: "Usage",
  fields: [
    { name: "tokens", type: "int" },
    { name: "cost", type: "double", default: 0 },
  ],
});

let registry: RunningRegistry;

before(async () => {
  registry = await startRegistry();
});

after(async () => {
  await registry?.stop();
});

describe("cache", () => {
  test("ids are cached for good: the second read is a hit and sends nothing", async () => {
    const client = new RegistryClient({ url: registry.url });
    const id = await client.register(uniqueSubject("ids"), SCHEMA);
    const sent = client.transport.attempts;
    const first = await client.getSchema(id);
    const second = await client.getSchema(id);
    assert.deepEqual(second, first);
    assert.equal(client.transport.attempts, sent + 1);
    assert.deepEqual(
      {
        hits: client.cacheStats.hits,
        misses: client.cacheStats.misses,
        ids: client.cacheStats.ids,
      },
      { hits: 1, misses: 1, ids: 1 },
    );
    assert.equal(client.cacheStats.hitRate, 0.5);
  });

  test("latest is cached for the TTL, then fetched again", async () => {
    let now = 0;
    const client = new RegistryClient({ url: registry.url, latestTtlMs: 1000, clock: () => now });
    const subject = uniqueSubject("ttl");
    await client.register(subject, SCHEMA);
    const sent = client.transport.attempts;
    await client.getLatest(subject);
    await client.getLatest(subject);
    await client.getVersion(subject, -1);
    assert.equal(client.transport.attempts, sent + 1);
    assert.equal(client.cacheStats.hits, 2);

    // Another client registers v2: this one serves v1 until its TTL runs out.
    await new RegistryClient({ url: registry.url }).register(subject, SCHEMA_V2);
    now = 999;
    assert.equal((await client.getLatest(subject)).version, 1);
    now = 1000;
    assert.equal((await client.getLatest(subject)).version, 2);
    assert.equal(client.transport.attempts, sent + 2);
  });

  test("numbered versions are not cached; registering here drops latest at once", async () => {
    const client = new RegistryClient({ url: registry.url });
    const subject = uniqueSubject("own-change");
    await client.register(subject, SCHEMA);
    assert.equal((await client.getLatest(subject)).version, 1);
    await client.register(subject, SCHEMA_V2);
    assert.equal((await client.getLatest(subject)).version, 2);
    const sent = client.transport.attempts;
    await client.getVersion(subject, 1);
    await client.getVersion(subject, 1);
    assert.equal(client.transport.attempts, sent + 2);
  });

  test("the cache is bounded and evicts the least recently used", async () => {
    const client = new RegistryClient({ url: registry.url, cacheSize: 2 });
    const ids = [];
    for (const stem of ["lru-a", "lru-b", "lru-c"]) {
      ids.push(
        await client.register(uniqueSubject(stem), SCHEMA.replace("Usage", stem.replace("-", "_"))),
      );
    }
    const [a, b, c] = ids as [number, number, number];
    await client.getSchema(a);
    await client.getSchema(b);
    await client.getSchema(a); // a is now the most recently used
    await client.getSchema(c); // evicts b
    const sent = client.transport.attempts;
    await client.getSchema(a);
    assert.equal(client.transport.attempts, sent, "a still cached");
    await client.getSchema(b);
    assert.equal(client.transport.attempts, sent + 1, "b was evicted");
    assert.equal(client.cacheStats.ids, 2);
    assert.ok(client.cacheStats.evictions >= 1);
  });

  test("a 404 for the subject drops its cached latest", async () => {
    const client = new RegistryClient({ url: registry.url });
    const subject = uniqueSubject("gone");
    await client.register(subject, SCHEMA);
    await client.getLatest(subject);
    assert.equal(client.cacheStats.latest, 1);
    // Deleted behind the client's back (soft delete, then permanent).
    await client.transport.request({
      method: "DELETE",
      path: `/subjects/${encodeURIComponent(subject)}`,
    });
    await client.transport.request({
      method: "DELETE",
      path: `/subjects/${encodeURIComponent(subject)}`,
      query: { permanent: "true" },
    });
    assert.equal((await client.getLatest(subject)).version, 1, "still served from the cache");
    await assert.rejects(client.getVersion(subject, 1), NotFoundError);
    assert.equal(client.cacheStats.latest, 0);
    await assert.rejects(client.getLatest(subject), NotFoundError);
  });
});

describe("retries", () => {
  test("503 twice, then the registry answers: the call succeeds on the third attempt", async () => {
    const direct = new RegistryClient({ url: registry.url });
    const id = await direct.register(uniqueSubject("retried"), SCHEMA);
    const proxy = await startFlakyProxy(registry.url, 2);
    try {
      const client = new RegistryClient({ url: proxy.url, retries: 3, backoffMs: 20 });
      const found = await client.getSchema(id);
      assert.equal(found.id, id);
      assert.equal(client.transport.attempts, 3);
      assert.equal(proxy.seen.length, 3);
    } finally {
      await proxy.close();
    }
  });

  test("a write is retried too (registration is idempotent)", async () => {
    const proxy = await startFlakyProxy(registry.url, 1);
    try {
      const client = new RegistryClient({ url: proxy.url, backoffMs: 5 });
      const subject = uniqueSubject("retried-write");
      const id = await client.register(subject, SCHEMA);
      assert.equal(client.transport.attempts, 2);
      assert.equal((await new RegistryClient({ url: registry.url }).getLatest(subject)).id, id);
    } finally {
      await proxy.close();
    }
  });

  test("5xx after every retry: RegistryUnavailableError with the last status and code", async () => {
    const proxy = await startFlakyProxy(registry.url, 10);
    try {
      const client = new RegistryClient({ url: proxy.url, retries: 2, backoffMs: 5 });
      const error = await client.getSchema(1).catch((e: unknown) => e);
      assert.ok(error instanceof RegistryUnavailableError);
      assert.deepEqual([error.status, error.errorCode], [503, 50301]);
      assert.equal(proxy.seen.length, 3);
    } finally {
      await proxy.close();
    }
  });

  test("4xx is never retried", async () => {
    const proxy = await startFlakyProxy(registry.url, 0);
    try {
      const client = new RegistryClient({ url: proxy.url, retries: 5, backoffMs: 5 });
      await assert.rejects(client.getSchema(123_456), NotFoundError);
      const bad = await client
        .register(uniqueSubject("bad"), "{", { schemaType: "JSON" })
        .catch((e: unknown) => e);
      assert.ok(bad instanceof InvalidRequestError);
      assert.equal(proxy.seen.length, 2);
      assert.equal(client.transport.attempts, 2);
    } finally {
      await proxy.close();
    }
  });

  test("a refused connection is retried, then RegistryUnavailableError (no status)", async () => {
    const port = await freePort(); // nothing listens there
    const client = new RegistryClient({
      url: `http://127.0.0.1:${port}`,
      retries: 2,
      backoffMs: 5,
    });
    const error = await client.getSchema(1).catch((e: unknown) => e);
    assert.ok(error instanceof RegistryUnavailableError);
    assert.equal(error.status, undefined);
    assert.equal(error.errorCode, undefined);
    assert.match(error.message, /unreachable/);
    assert.equal(client.transport.attempts, 3);
  });
});

describe("timeouts and abort", () => {
  const slowly = (delayMs: number) =>
    startServer((_request, _body, response) => {
      const timer = setTimeout(
        () => reply(response, 200, { schema: "{}", schemaType: "JSON" }),
        delayMs,
      );
      response.on("close", () => clearTimeout(timer));
    });

  test("each attempt times out; after the retries: RequestTimeoutError", async () => {
    const server = await slowly(5_000);
    try {
      const client = new RegistryClient({
        url: server.url,
        timeoutMs: 100,
        retries: 1,
        backoffMs: 5,
      });
      const started = Date.now();
      const error = await client.getSchema(7).catch((e: unknown) => e);
      assert.ok(error instanceof RequestTimeoutError && error instanceof RegistryUnavailableError);
      assert.equal(server.seen.length, 2);
      assert.ok(Date.now() - started < 2_000);
    } finally {
      await server.close();
    }
  });

  test("a per-call timeoutMs overrides the client's", async () => {
    const server = await slowly(300);
    try {
      const client = new RegistryClient({ url: server.url, timeoutMs: 50, retries: 0 });
      await assert.rejects(client.getSchema(7), RequestTimeoutError);
      assert.equal((await client.getSchema(7, { timeoutMs: 5_000 })).schemaType, "JSON");
    } finally {
      await server.close();
    }
  });

  test("the caller's AbortSignal stops the call at once, without retrying", async () => {
    const server = await slowly(5_000);
    try {
      const client = new RegistryClient({ url: server.url, retries: 5 });
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error("user left")), 100);
      const error = await client
        .getSchema(7, { signal: controller.signal })
        .catch((e: unknown) => e);
      assert.ok(error instanceof RequestAbortedError);
      assert.equal((error.cause as Error).message, "user left");
      assert.equal(server.seen.length, 1);

      const already = AbortSignal.abort();
      await assert.rejects(client.getSchema(8, { signal: already }), RequestAbortedError);
      assert.equal(server.seen.length, 1, "an aborted signal sends nothing");
    } finally {
      await server.close();
    }
  });

  test("an abort during the backoff wait ends the call", async () => {
    const proxy = await startFlakyProxy(registry.url, 10);
    try {
      const client = new RegistryClient({
        url: proxy.url,
        retries: 5,
        backoffMs: 10_000,
        maxBackoffMs: 10_000,
      });
      const controller = new AbortController();
      const started = Date.now();
      setTimeout(() => controller.abort(), 150);
      await assert.rejects(client.getSchema(1, { signal: controller.signal }), RequestAbortedError);
      assert.ok(Date.now() - started < 3_000);
    } finally {
      await proxy.close();
    }
  });
});
