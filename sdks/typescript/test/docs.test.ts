/**
 * The runnable examples of docs/sdk-typescript.md (```ts runnable blocks): type-checked in
 * strict mode as `.mts` files and run with Node against a real registry.
 */

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";

import { PACKAGE_ROOT, type RunningRegistry, startRegistry } from "./support.js";

const run = promisify(execFile);
const DOC = path.resolve(PACKAGE_ROOT, "../../docs/sdk-typescript.md");
// Inside the package, so `@llm-schema-registry/client` resolves to dist/ by self-reference.
const OUT = path.join(PACKAGE_ROOT, "build", "docs");

async function examples(): Promise<string[]> {
  const text = await readFile(DOC, "utf8");
  return [...text.matchAll(/^```ts runnable\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? "");
}

let registry: RunningRegistry;

before(async () => {
  registry = await startRegistry();
  await rm(OUT, { recursive: true, force: true });
  await mkdir(OUT, { recursive: true });
});

after(async () => {
  await registry?.stop();
});

test("the runnable examples type-check in strict mode", async () => {
  const files = [];
  for (const [index, code] of (await examples()).entries()) {
    const file = path.join(OUT, `example-${index + 1}.mts`);
    await writeFile(file, code);
    files.push(file);
  }
  assert.ok(files.length >= 5, `only ${files.length} runnable examples found`);
  const tsc = path.join(PACKAGE_ROOT, "node_modules", "typescript", "bin", "tsc");
  const options = ["--noEmit", "--strict", "--target", "es2022", "--module", "nodenext"];
  const more = ["--types", "node", "--skipLibCheck", "--lib", "es2022,dom"];
  const checked = await run(process.execPath, [tsc, ...options, ...more, ...files], {
    cwd: PACKAGE_ROOT,
  }).catch((error: { stdout: string }) => error);
  assert.equal(checked.stdout, "", checked.stdout);
});

test("the runnable examples run against a registry", async () => {
  for (const [index, code] of (await examples()).entries()) {
    const file = path.join(OUT, `example-${index + 1}.mjs`);
    await writeFile(file, code);
    const env = { ...process.env, REGISTRY_URL: registry.url };
    const done = await run(process.execPath, [file], { env, timeout: 30_000 }).catch(
      (error: Error & { stderr?: string }) => {
        throw new Error(`example ${index + 1} failed: ${error.stderr ?? error.message}`);
      },
    );
    assert.notEqual(done.stdout, "", `example ${index + 1} printed nothing`);
    if (process.env["SHOW_DOC_EXAMPLES"]) {
      console.log(`--- example ${index + 1}\n${done.stdout}`);
    }
  }
});
