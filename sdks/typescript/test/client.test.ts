/** Every client method against a real registry process (`llm-schema serve`, SQLite). */

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import {
  ConflictError,
  IncompatibleError,
  InvalidRequestError,
  LocalValidationUnavailableError,
  NotFoundError,
  RegistryClient,
  RegistryError,
} from "@llm-schema-registry/client";

import { type RunningRegistry, startRegistry, uniqueSubject } from "./support.js";

const AVRO = JSON.stringify({
  type: "record",
  name: "Inference",
  fields: [{ name: "model", type: "string" }],
});
const AVRO_V2 = JSON.stringify({
  type: "record",
  name: "Inference",
  fields: [
    { name: "model", type: "string" },
    { name: "tokens", type: "int", default: 0 },
  ],
});
const ORDER = {
  type: "object",
  properties: {
    id: { type: "string" },
    items: { type: "array", items: { type: "integer" } },
  },
  required: ["id"],
};
const FUTURE = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);

let registry: RunningRegistry;
let client: RegistryClient;

before(async () => {
  registry = await startRegistry();
  client = new RegistryClient({ url: registry.url, backoffMs: 10 });
});

after(async () => {
  await registry?.stop();
});

describe("schemas and subjects", () => {
  test("register returns the id; the same schema again gives the same id", async () => {
    const subject = uniqueSubject("inference-value");
    const id = await client.register(subject, AVRO);
    assert.equal(await client.register(subject, AVRO), id);
    const v2 = await client.register(subject, AVRO_V2);
    assert.ok(v2 > id);
    assert.deepEqual(await client.versions(subject), [1, 2]);
  });

  test("getSchema by id, getVersion by number and latest, lookup", async () => {
    const subject = uniqueSubject("orders-value");
    const id = await client.register(subject, ORDER, { schemaType: "JSON" });

    const byId = await client.getSchema(id);
    assert.equal(byId.id, id);
    assert.equal(byId.schemaType, "JSON");
    assert.deepEqual(JSON.parse(byId.schema), ORDER);
    assert.equal(byId.subject, undefined);

    const first = await client.getVersion(subject, 1);
    assert.equal(first.subject, subject);
    assert.equal(first.version, 1);
    assert.equal(first.id, id);
    assert.equal(first.state, "ACTIVE");

    const latest = await client.getLatest(subject);
    assert.equal(latest.version, 1);

    const found = await client.lookup(subject, ORDER, { schemaType: "JSON" });
    assert.equal(found.id, id);
    assert.equal(found.version, 1);
  });

  test("Avro is the default schema type, as in Confluent", async () => {
    const subject = uniqueSubject("avro-default");
    const id = await client.register(subject, AVRO);
    assert.equal((await client.getSchema(id)).schemaType, "AVRO");
  });

  test("subjects lists names, filtered by prefix", async () => {
    const subject = uniqueSubject("listing-prefix");
    await client.register(subject, AVRO);
    assert.ok((await client.subjects()).includes(subject));
    assert.deepEqual(await client.subjects({ prefix: "listing-prefix" }), [subject]);
  });

  test("lookup of an unregistered schema is a NotFoundError with the registry's code", async () => {
    const subject = uniqueSubject("lookup-miss");
    await client.register(subject, AVRO);
    const error = await client.lookup(subject, AVRO_V2).catch((e: unknown) => e);
    assert.ok(error instanceof NotFoundError);
    assert.equal(error.status, 404);
    assert.equal(error.errorCode, 40403);
  });

  test("unknown ids, subjects and versions carry errorCode and status", async () => {
    const missingId = await client.getSchema(987_654).catch((e: unknown) => e);
    assert.ok(missingId instanceof NotFoundError && missingId instanceof RegistryError);
    assert.deepEqual([missingId.status, missingId.errorCode], [404, 40403]);

    const missingSubject = await client.getLatest("no such subject").catch((e: unknown) => e);
    assert.ok(missingSubject instanceof NotFoundError);
    assert.equal(missingSubject.errorCode, 40401);

    const subject = uniqueSubject("missing-version");
    await client.register(subject, AVRO);
    const missingVersion = await client.getVersion(subject, 9).catch((e: unknown) => e);
    assert.ok(missingVersion instanceof NotFoundError);
    assert.equal(missingVersion.errorCode, 40402);
  });

  test("an invalid schema is an InvalidRequestError 422 / 42201", async () => {
    const error = await client
      .register(uniqueSubject("broken"), "{not json", { schemaType: "JSON" })
      .catch((e: unknown) => e);
    assert.ok(error instanceof InvalidRequestError);
    assert.deepEqual([error.status, error.errorCode], [422, 42201]);
    assert.match(error.message, /Invalid schema/i);
  });
});

describe("compatibility and config", () => {
  test("checkCompatibility is verbose; an incompatible register is IncompatibleError", async () => {
    const subject = uniqueSubject("compat");
    await client.register(subject, AVRO);
    await client.setConfig("BACKWARD", subject);

    assert.deepEqual(await client.checkCompatibility(subject, AVRO_V2), {
      isCompatible: true,
      messages: [],
    });
    const breaking = JSON.stringify({
      type: "record",
      name: "Inference",
      fields: [{ name: "model", type: "int" }],
    });
    const result = await client.checkCompatibility(subject, breaking, { version: 1 });
    assert.equal(result.isCompatible, false);
    assert.ok(
      result.messages.some((m) => m.includes("model")),
      result.messages.join("\n"),
    );

    const error = await client.register(subject, breaking).catch((e: unknown) => e);
    assert.ok(error instanceof IncompatibleError && error instanceof ConflictError);
    assert.deepEqual([error.status, error.errorCode], [409, 40901]);
  });

  test("checking against a subject with nothing registered is compatible", async () => {
    const result = await client.checkCompatibility(uniqueSubject("empty"), AVRO);
    assert.deepEqual(result, { isCompatible: true, messages: [] });
  });

  test("getConfig and setConfig, global and per subject", async () => {
    const subject = uniqueSubject("config");
    await client.register(subject, AVRO);
    assert.equal((await client.getConfig()).compatibilityLevel, "BACKWARD");
    assert.equal((await client.getConfig(subject)).compatibilityLevel, "BACKWARD");
    assert.deepEqual(await client.setConfig("FULL", subject), { compatibility: "FULL" });
    assert.equal((await client.getConfig(subject)).compatibilityLevel, "FULL");
    assert.equal((await client.getConfig()).compatibilityLevel, "BACKWARD");
    const set = await client.setConfig({ compatibility: "FORWARD", maxVersions: 50 }, subject);
    assert.equal(set.compatibility, "FORWARD");
    assert.equal((await client.getConfig(subject)).maxVersions, 50);

    const bad = await client.setConfig("SIDEWAYS", subject).catch((e: unknown) => e);
    assert.ok(bad instanceof InvalidRequestError);
    assert.equal(bad.errorCode, 42203);
  });
});

describe("lifecycle", () => {
  test("deprecate, activate, rollback, archive; latest follows the states", async () => {
    const subject = uniqueSubject("lifecycle");
    await client.register(subject, AVRO);
    await client.register(subject, AVRO_V2);
    assert.equal((await client.getLatest(subject)).version, 2);

    const deprecated = await client.deprecate(subject, 2, { reason: "tokens", sunsetDate: FUTURE });
    assert.equal(deprecated.state, "DEPRECATED");
    assert.equal(deprecated.reason, "tokens");
    assert.equal((await client.getLatest(subject)).version, 1, "cache dropped on change");

    assert.equal((await client.activate(subject, 2)).state, "ACTIVE");
    assert.equal((await client.getLatest(subject)).version, 2);

    const rolled = await client.rollback(subject, 1, { reason: "bad release" });
    assert.deepEqual(rolled, { deprecated: [2], latest: 1 });
    assert.equal((await client.getVersion(subject, 2)).state, "DEPRECATED");

    const archived = await client.archive(subject, 2, { reason: "gone" });
    assert.equal(archived.state, "ARCHIVED");
    assert.deepEqual(await client.versions(subject), [1]);
    assert.deepEqual(await client.versions(subject, { includeArchived: true }), [1, 2]);

    const refused = await client.activate(subject, 2).catch((e: unknown) => e);
    assert.ok(refused instanceof ConflictError && !(refused instanceof IncompatibleError));
    assert.deepEqual([refused.status, refused.errorCode], [409, 40950]);
  });

  test("drafts are never latest until activated; a bad deprecation is 42250", async () => {
    const subject = uniqueSubject("drafts");
    await client.register(subject, AVRO);
    await client.register(subject, AVRO_V2, { draft: true });
    assert.equal((await client.getVersion(subject, 2)).state, "DRAFT");
    assert.equal((await client.getLatest(subject)).version, 1);
    await client.activate(subject, 2);
    assert.equal((await client.getLatest(subject)).version, 2);

    const error = await client
      .deprecate(subject, 2, { reason: "", sunsetDate: "2001-01-01" })
      .catch((e: unknown) => e);
    assert.ok(error instanceof InvalidRequestError);
    assert.deepEqual([error.status, error.errorCode], [422, 42250]);
  });

  test("updateVersion replaces metadata; diff reports the change and the bump", async () => {
    const subject = uniqueSubject("metadata");
    await client.register(subject, AVRO);
    await client.register(subject, AVRO_V2);
    const updated = await client.updateVersion(subject, 1, {
      metadata: { properties: { owner: "ml-platform" } },
    });
    assert.deepEqual(updated.metadata, { properties: { owner: "ml-platform" } });

    const diff = await client.diff(subject, 2, 1);
    assert.equal(diff.version, 2);
    assert.equal(diff.against, 1);
    assert.equal(diff.semverBump, "minor");
    assert.ok(diff.changes.some((c) => c.path.includes("tokens") && !c.breaking));
  });
});

describe("provider export", () => {
  test("export to openai with fixes; a non-JSON schema is 42260", async () => {
    // A plain name: the registry's export route does not yet decode %2F in subjects.
    const subject = `export-orders-${process.pid}`;
    await client.register(subject, ORDER, { schemaType: "JSON" });
    const plain = await client.export(subject, "openai");
    assert.ok(plain.findings.length > 0);
    const fixed = await client.export(subject, "openai", { fix: true, name: "orders" });
    const format = fixed.payload as {
      type: string;
      json_schema: { name: string; strict: boolean };
    };
    assert.equal(format.type, "json_schema");
    assert.equal(format.json_schema.name, "orders");
    assert.equal(format.json_schema.strict, true);
    assert.ok(fixed.fixes.length > 0);

    const tool = await client.export(subject, "anthropic-tool", { version: 1 });
    assert.ok("input_schema" in tool.payload);

    const avro = `export-avro-${process.pid}`;
    await client.register(avro, AVRO);
    const error = await client.export(avro, "openai").catch((e: unknown) => e);
    assert.ok(error instanceof InvalidRequestError);
    assert.equal(error.errorCode, 42260);
  });
});

describe("validation", () => {
  test("validateRemote checks a batch on the registry", async () => {
    const subject = uniqueSubject("remote");
    const id = await client.register(subject, ORDER, { schemaType: "JSON" });
    const outcomes = await client.validateRemote([{ id: "a" }, { items: [1, "x"] }], { subject });
    assert.equal(outcomes.length, 2);
    assert.equal(outcomes[0]?.valid, true);
    assert.equal(outcomes[1]?.valid, false);
    const paths = outcomes[1]?.errors.map((e) => e.path).sort();
    assert.deepEqual(paths, ["$", "$.items[1]"]);

    const byId = await client.validateRemote([{ id: 1 }], { schemaId: id });
    assert.deepEqual(
      byId[0]?.errors.map((e) => e.path),
      ["$.id"],
    );
  });

  test("validateLlmOutput extracts the JSON and gives a repair prompt when invalid", async () => {
    const subject = uniqueSubject("llm");
    await client.register(subject, ORDER, { schemaType: "JSON" });
    const good = await client.validateLlmOutput('Here:\n```json\n{"id": "o-1"}\n```', { subject });
    assert.equal(good.valid, true);
    assert.deepEqual(good.extracted, { id: "o-1" });
    assert.equal(good.repairPrompt, null);

    const bad = await client.validateLlmOutput('Sure! {"items": [1]} hope that helps', {
      subject,
      version: 1,
    });
    assert.equal(bad.valid, false);
    assert.deepEqual(bad.extracted, { items: [1] });
    assert.match(bad.repairPrompt ?? "", /id/);
  });

  test("validate runs locally (ajv) and agrees with the registry", async () => {
    const subject = uniqueSubject("local");
    await client.register(subject, ORDER, { schemaType: "JSON" });
    const records = [{ id: "a", items: [1, 2] }, { id: 3, items: [1, "x"] }, {}];
    const remote = await client.validateRemote(records, { subject });
    const sent = client.transport.attempts;
    for (const [index, record] of records.entries()) {
      const local = await client.validate(record, { subject });
      assert.equal(local.valid, remote[index]?.valid);
      assert.deepEqual(
        local.errors.map((e) => e.path).sort(),
        remote[index]?.errors.map((e) => e.path).sort(),
      );
    }
    assert.equal(client.transport.attempts, sent + 1, "schema fetched once, then cached");
  });

  test("local validation follows references across subjects", async () => {
    const address = uniqueSubject("address");
    await client.register(
      address,
      { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
      { schemaType: "JSON" },
    );
    const customer = uniqueSubject("customer");
    const id = await client.register(
      customer,
      { type: "object", properties: { home: { $ref: "address.json" } } },
      { schemaType: "JSON", references: [{ name: "address.json", subject: address, version: 1 }] },
    );
    const schema = await client.getSchema(id);
    assert.deepEqual(schema.references, [{ name: "address.json", subject: address, version: 1 }]);
    assert.equal((await client.validate({ home: { city: "Oslo" } }, { schemaId: id })).valid, true);
    const bad = await client.validate({ home: {} }, { schemaId: id });
    assert.deepEqual(bad.errors, [{ path: "$.home", message: "'city' is a required property" }]);
    const remote = await client.validateRemote([{ home: {} }], { schemaId: id });
    assert.deepEqual(
      remote[0]?.errors.map((e) => e.path),
      ["$.home"],
    );
  });

  test("local validation agrees with the registry on draft-04, draft-06 and 2020-12", async () => {
    const dialects: [object, unknown[]][] = [
      [
        {
          $schema: "http://json-schema.org/draft-04/schema#",
          id: "http://example.com/score.json",
          type: "object",
          properties: { score: { type: "number", minimum: 0, exclusiveMinimum: true } },
          enum: [{ id: "kept as data" }, { score: 1 }, { score: 0 }],
        },
        [{ score: 1 }, { score: 0 }, { score: -1 }, { id: "kept as data" }],
      ],
      [
        {
          $schema: "http://json-schema.org/draft-06/schema#",
          type: "object",
          properties: { score: { type: "number", exclusiveMaximum: 10 } },
        },
        [{ score: 9.5 }, { score: 10 }],
      ],
      [
        {
          $schema: "https://json-schema.org/draft/2020-12/schema",
          type: "array",
          prefixItems: [{ type: "string" }],
          items: { $ref: "#/$defs/count" },
          $defs: { count: { type: "integer" } },
        },
        [["a", 1, 2], ["a", "b"], [1]],
      ],
    ];
    for (const [schema, records] of dialects) {
      const id = await client.register(uniqueSubject("dialect"), schema, { schemaType: "JSON" });
      const remote = await client.validateRemote(records, { schemaId: id });
      for (const [index, record] of records.entries()) {
        const local = await client.validate(record, { schemaId: id });
        const paths = (outcome: { errors: { path: string }[] } | undefined): string[] =>
          [...new Set(outcome?.errors.map((e) => e.path))].sort();
        assert.equal(local.valid, remote[index]?.valid, JSON.stringify({ schema, record }));
        assert.deepEqual(paths(local), paths(remote[index]), JSON.stringify({ schema, record }));
      }
    }
  });

  test("local validation of a non-JSON schema says to use validateRemote", async () => {
    const subject = uniqueSubject("local-avro");
    await client.register(subject, AVRO);
    const error = await client.validate({ model: "m" }, { subject }).catch((e: unknown) => e);
    assert.ok(error instanceof LocalValidationUnavailableError);
    assert.match(error.message, /validateRemote/);
  });
});
