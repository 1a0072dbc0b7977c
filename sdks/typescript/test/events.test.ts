/**
 * The change stream and webhook verification against a real registry process: events arrive
 * live, a cut connection is resumed with `Last-Event-ID` (nothing missed, nothing repeated),
 * 4xx are not retried, and `verifyWebhook` accepts what the registry's signer
 * (`llm_schema_registry.webhooks`) signs and refuses tampering, stale or foreign signatures.
 */

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";

import {
  type ChangeEvent,
  InvalidRequestError,
  RegistryClient,
  WebhookVerificationError,
  verifyWebhook,
} from "@llm-schema-registry/client";

import {
  type RunningRegistry,
  reply,
  serveCommand,
  startRegistry,
  startServer,
} from "./support.js";

const run = promisify(execFile);

let registry: RunningRegistry;
let client: RegistryClient;
let counter = 0;

function schema(): string {
  counter += 1;
  // the same record with another optional field: every registration a compatible new version
  return JSON.stringify({
    type: "record",
    name: "Change",
    fields: [
      { name: "a", type: "string" },
      { name: `f${counter}`, type: "string", default: "" },
    ],
  });
}

function subjectFor(stem: string): string {
  counter += 1;
  return `${stem}-${counter}-${process.pid}`;
}

before(async () => {
  registry = await startRegistry();
  client = new RegistryClient({ url: registry.url, backoffMs: 10 });
});

after(async () => {
  await registry?.stop();
});

/** A loopback TCP relay to the registry that a test can cut (every open connection). */
async function startCuttableProxy(upstream: string): Promise<{
  url: string;
  cut(): void;
  close(): Promise<void>;
}> {
  const target = new URL(upstream);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const registrySide = net.connect(Number(target.port), target.hostname);
    for (const socket of [client, registrySide]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => socket.destroy());
    }
    client.pipe(registrySide).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  const cut = (): void => {
    for (const socket of sockets) {
      socket.destroy();
    }
  };
  return {
    url: `http://127.0.0.1:${port}`,
    cut,
    close: () =>
      new Promise<void>((resolve) => {
        cut();
        server.close(() => resolve());
      }),
  };
}

async function next(events: AsyncIterator<ChangeEvent>, ms = 5000): Promise<ChangeEvent> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no event within ${ms} ms`)), ms);
  });
  try {
    const found = await Promise.race([events.next(), timeout]);
    assert.equal(found.done, false);
    return found.value as ChangeEvent;
  } finally {
    clearTimeout(timer);
  }
}

describe("the change stream", () => {
  test("replays after a sequence, then streams live registrations", async () => {
    const subject = subjectFor("ts-orders");
    await client.register(subject, schema());
    const stop = new AbortController();
    const events = client.events({ after: 0, subjects: [subject], signal: stop.signal });
    const replayed = await next(events);
    assert.equal(replayed.subject, subject);
    assert.equal(replayed.type, "schema.registered");
    const started = Date.now();
    await client.register(subject, schema());
    const live = await next(events);
    assert.ok(Date.now() - started < 2000);
    assert.ok(live.sequence > replayed.sequence);
    assert.equal(live.cloudevent["id"], live.id);
    assert.equal(live.data["subject"], subject);
    stop.abort();
    assert.deepEqual(await events.next(), { done: true, value: undefined });
  });

  test("a cut connection resumes with Last-Event-ID: nothing missed, nothing repeated", async () => {
    const proxy = await startCuttableProxy(registry.url);
    const viaProxy = new RegistryClient({ url: proxy.url, backoffMs: 20, retries: 20 });
    const subject = subjectFor("ts-resume");
    const events = viaProxy.events({ subjects: [subject] });
    try {
      const first = next(events, 10_000);
      await new Promise((resolve) => setTimeout(resolve, 500)); // connected
      await client.register(subject, schema());
      const got = [await first];
      proxy.cut(); // the link drops
      await client.register(subject, schema());
      await client.register(subject, schema());
      got.push(await next(events, 10_000), await next(events, 10_000));
      const sequences = got.map((event) => event.sequence);
      assert.deepEqual(
        sequences,
        [...new Set(sequences)].sort((a, b) => a - b),
      );
      assert.equal(sequences.length, 3);
    } finally {
      await events.return(undefined);
      await proxy.close();
    }
  });

  test("a refused stream is not retried (4xx): the error carries its code", async () => {
    const before = client.transport.attempts;
    const events = client.events({ types: ["schema.exploded"] });
    await assert.rejects(events.next(), (error: unknown) => {
      assert.ok(error instanceof InvalidRequestError);
      assert.equal(error.errorCode, 42282);
      return true;
    });
    assert.equal(client.transport.attempts, before); // the stream does not count as a call
  });
});

describe("verifyWebhook", () => {
  const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const body = JSON.stringify({ specversion: "1.0", id: "evt-1", type: "schema.registered" });

  /** Headers signed by the registry's own signer (Python, `llm_schema_registry.webhooks`). */
  async function signedByRegistry(timestamp?: number): Promise<Record<string, string>> {
    const python = path.join(path.dirname(serveCommand()), "python");
    const code = [
      "import json, sys",
      "from llm_schema_registry.webhooks import signature_headers",
      "stamp = int(sys.argv[3]) if len(sys.argv) > 3 else None",
      "print(json.dumps(signature_headers(sys.argv[1], 'evt-1', sys.argv[2].encode(), stamp)))",
    ].join("\n");
    const args = ["-c", code, secret, body, ...(timestamp ? [String(timestamp)] : [])];
    const { stdout } = await run(process.env["REGISTRY_PYTHON"] ?? python, args);
    return JSON.parse(stdout) as Record<string, string>;
  }

  test("accepts a delivery the registry signed, with any header casing", async () => {
    const headers = await signedByRegistry();
    const event = await verifyWebhook(headers, body, secret);
    assert.equal(event["id"], "evt-1");
    const upper = Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [name.toUpperCase(), value]),
    );
    assert.equal(
      (await verifyWebhook(new Headers(upper), new TextEncoder().encode(body), secret))["type"],
      "schema.registered",
    );
    const rotated = { ...headers, "webhook-signature": `v1,AAAA ${headers["webhook-signature"]}` };
    assert.equal((await verifyWebhook(rotated, body, secret))["id"], "evt-1");
  });

  test("verifies a real delivery of the registry's webhook relay", async () => {
    const receiving = await startRegistry({ REGISTRY_WEBHOOK_ALLOW_PRIVATE: "true" });
    const deliveries: { headers: Record<string, string>; body: Buffer }[] = [];
    const receiver = await startServer((request, body, response) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (typeof value === "string") headers[name] = value;
      }
      deliveries.push({ headers, body });
      reply(response, 204, {});
    });
    try {
      const admin = new RegistryClient({ url: receiving.url, backoffMs: 10 });
      const subject = subjectFor("ts-hooked");
      const created = (await admin.transport.request({
        method: "POST",
        path: "/webhooks",
        body: { url: `${receiver.url}/hook`, subjects: [subject] },
      })) as { id: string; secret: string };
      await admin.register(subject, schema());
      const deadline = Date.now() + 10_000;
      while (deliveries.length === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const delivery = deliveries[0];
      assert.ok(delivery, "no delivery within 10 s");
      assert.equal(delivery.headers["content-type"], "application/cloudevents+json");
      const event = await verifyWebhook(delivery.headers, delivery.body, created.secret);
      assert.equal(event["type"], "schema.registered");
      assert.equal(event["subject"], subject);
      assert.equal(event["id"], delivery.headers["webhook-id"]);
      const other = "whsec_" + Buffer.from("not the webhook's key").toString("base64");
      await assert.rejects(
        verifyWebhook(delivery.headers, delivery.body, other),
        WebhookVerificationError,
      );
    } finally {
      await receiver.close();
      await receiving.stop();
    }
  });

  test("refuses a tampered body, another secret, a stale timestamp, missing headers", async () => {
    const headers = await signedByRegistry();
    const refused = (error: unknown): boolean => error instanceof WebhookVerificationError;
    await assert.rejects(verifyWebhook(headers, body.replace("evt-1", "evt-2"), secret), refused);
    await assert.rejects(
      verifyWebhook(headers, body, "whsec_" + Buffer.from("another key").toString("base64")),
      refused,
    );
    const stale = await signedByRegistry(Math.floor(Date.now() / 1000) - 3600);
    await assert.rejects(verifyWebhook(stale, body, secret), refused);
    assert.equal(
      (await verifyWebhook(stale, body, secret, { toleranceSeconds: 7200 }))["id"],
      "evt-1",
    );
    await assert.rejects(verifyWebhook({ "webhook-id": "evt-1" }, body, secret), refused);
  });
});
