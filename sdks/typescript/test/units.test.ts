/**
 * Pure parts (error mapping, the cache's clock and bound), the package as a consumer sees it
 * (no `node:` import in the runtime code), and local validation without the optional `ajv`.
 */

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";

import {
  AuthenticationError,
  ConflictError,
  ForbiddenError,
  IncompatibleError,
  InvalidRequestError,
  NotFoundError,
  RateLimitError,
  RegistryError,
  RegistryUnavailableError,
  SchemaCache,
  errorFor,
  segment,
} from "@llm-schema-registry/client";

import { PACKAGE_ROOT, reply, startServer } from "./support.js";

test("errorFor maps status and error_code to one class each", () => {
  const cases: [number, unknown, new (...args: never[]) => RegistryError][] = [
    [404, { error_code: 40401, message: "Subject 'x' not found." }, NotFoundError],
    [410, undefined, NotFoundError],
    [409, { error_code: 40901, message: "incompatible" }, IncompatibleError],
    [409, { error_code: 40950, message: "transition" }, ConflictError],
    [422, { error_code: 42201, message: "bad" }, InvalidRequestError],
    [413, { error_code: 41301, message: "too big" }, InvalidRequestError],
    [401, { error_code: 40101, message: "who?" }, AuthenticationError],
    [403, { error_code: 40301, message: "no" }, ForbiddenError],
    [500, { error_code: 50001, message: "store" }, RegistryUnavailableError],
    [503, "not json", RegistryUnavailableError],
  ];
  for (const [status, body, kind] of cases) {
    const error = errorFor(status, body);
    assert.ok(error instanceof kind, `${status} -> ${error.name}`);
    assert.equal(error.name, kind.name);
    assert.equal(error.status, status);
    const code = (body as { error_code?: number } | undefined)?.error_code;
    assert.equal(error.errorCode, typeof code === "number" ? code : status);
  }
  assert.equal(errorFor(409, { error_code: 40950 }).constructor, ConflictError);
  assert.equal(errorFor(404, { message: "m" }).message, "m");
  assert.equal(errorFor(502, null).message, "HTTP 502");
});

test("429 is a RateLimitError with Retry-After", () => {
  const error = errorFor(429, { error_code: 42901, message: "slow down" }, "7");
  assert.ok(error instanceof RateLimitError);
  assert.equal(error.retryAfterSeconds, 7);
  assert.equal(error.errorCode, 42901);
});

test("the cache expires latest on its clock and counts hits and misses", () => {
  let now = 0;
  const cache = new SchemaCache({ latestTtlMs: 1000, clock: () => now });
  const schema = { id: 1, schema: "{}", schemaType: "JSON", references: [] };
  cache.putLatest("s", schema);
  assert.equal(cache.getLatest("s"), schema);
  now = 999;
  assert.equal(cache.getLatest("s"), schema);
  now = 1000;
  assert.equal(cache.getLatest("s"), undefined);
  assert.deepEqual(cache.stats, {
    hits: 2,
    misses: 1,
    hitRate: 2 / 3,
    evictions: 0,
    ids: 0,
    latest: 0,
  });

  const off = new SchemaCache({ latestTtlMs: 0 });
  off.putLatest("s", schema);
  assert.equal(off.getLatest("s"), undefined);
});

test("the cache keeps at most maxEntries per map", () => {
  const cache = new SchemaCache({ maxEntries: 3 });
  for (let id = 1; id <= 5; id += 1) {
    cache.putId({ id, schema: "{}", schemaType: "JSON", references: [] });
  }
  assert.equal(cache.stats.ids, 3);
  assert.equal(cache.stats.evictions, 2);
  assert.equal(cache.getById(1), undefined);
  assert.equal(cache.getById(5)?.id, 5);
});

test("subjects are encoded as one path segment", () => {
  assert.equal(segment("a/b c%?#"), "a%2Fb%20c%25%3F%23");
  assert.equal(segment(3), "3");
});

test("the runtime code imports nothing from Node (browser-safe)", async () => {
  const dist = path.join(PACKAGE_ROOT, "dist");
  for (const name of await readdir(dist)) {
    if (name.endsWith(".js")) {
      const text = await readFile(path.join(dist, name), "utf8");
      assert.doesNotMatch(text, /from\s+["']node:|require\(|import\(["']node:/, name);
      const imports = [...text.matchAll(/from\s+["']([^"']+)["']/g)].map((m) => m[1]);
      assert.ok(
        imports.every((spec) => spec?.startsWith("./")),
        `${name}: ${imports.join(", ")}`,
      );
    }
  }
});

test("the published types need neither Node's types nor ajv's (a browser consumer)", async () => {
  // Inside the package, so the import resolves to dist/*.d.ts by self-reference.
  const dir = path.join(PACKAGE_ROOT, "build", "consumer");
  await mkdir(dir, { recursive: true });
  await writeFile(
    path.join(dir, "app.ts"),
    `import { RegistryClient, NotFoundError, type RegisteredSchema } from "@llm-schema-registry/client";
const client = new RegistryClient({ url: "/registry", bearerToken: async () => "t" });
export async function latest(): Promise<RegisteredSchema | undefined> {
  try {
    return await client.getLatest("orders-value", { signal: AbortSignal.timeout(1000) });
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}
`,
  );
  const config = {
    compilerOptions: {
      strict: true,
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      lib: ["ES2022", "DOM"],
      types: [],
      skipLibCheck: false,
      noEmit: true,
    },
    files: ["app.ts"],
  };
  await writeFile(path.join(dir, "tsconfig.json"), JSON.stringify(config));
  const tsc = path.join(PACKAGE_ROOT, "node_modules", "typescript", "bin", "tsc");
  const checked = await promisify(execFile)(process.execPath, [tsc, "-p", dir]).catch(
    (error: { stdout: string }) => error,
  );
  assert.equal(checked.stdout, "", checked.stdout);
});

test("without ajv installed, local validation says how to get it", async () => {
  const server = await startServer((_request, _body, response) => {
    reply(response, 200, {
      subject: "s",
      version: 1,
      id: 1,
      schemaType: "JSON",
      schema: JSON.stringify({ type: "object" }),
    });
  });
  // The built package alone, where no node_modules (so no ajv) can be found.
  const dir = await mkdtemp(path.join(tmpdir(), "ts-sdk-no-ajv-"));
  try {
    await cp(path.join(PACKAGE_ROOT, "dist"), path.join(dir, "dist"), { recursive: true });
    await writeFile(path.join(dir, "package.json"), JSON.stringify({ type: "module" }));
    const script = `
      import { RegistryClient, LocalValidationUnavailableError } from "./dist/index.js";
      const client = new RegistryClient({ url: ${JSON.stringify(server.url)} });
      try {
        await client.validate({}, { subject: "s" });
        console.log("validated?");
      } catch (error) {
        console.log(JSON.stringify({ local: error instanceof LocalValidationUnavailableError, message: error.message }));
      }`;
    const run = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], {
      cwd: dir,
    });
    const result = JSON.parse(run.stdout) as { local: boolean; message: string };
    assert.equal(result.local, true);
    assert.match(result.message, /npm install ajv/);
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
