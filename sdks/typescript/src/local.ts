/**
 * Local JSON Schema validation with Ajv, an optional peer dependency loaded on first use
 * (`import("ajv")`), so the SDK itself has no runtime dependency. Structure only: `format` is
 * an annotation here, and data-contract rules (`ruleSet`, CEL) run only on the registry.
 */

import { LocalValidationUnavailableError } from "./errors.js";
import type { Problem, RegisteredSchema, ValidationOutcome } from "./models.js";

/**
 * The JSON Schema dialects Ajv has a class for; draft-06 documents use the draft-07 one, and
 * draft-04 documents too, once their boolean `exclusiveMinimum`/`exclusiveMaximum` and `id`
 * are spelled the draft-06 way (`draft4ToDraft6`).
 */
export type JsonSchemaDraft = "draft-07" | "2019-09" | "2020-12";

/** What the SDK needs of an Ajv instance (Ajv 8 satisfies it). */
export interface AjvLike {
  addSchema(schema: object, key?: string): unknown;
  compile(schema: object): AjvValidateFunction;
}

export interface AjvValidateFunction {
  (data: unknown): boolean | Promise<unknown>;
  errors?: AjvErrorObject[] | null | undefined;
}

export interface AjvErrorObject {
  instancePath: string;
  keyword: string;
  message?: string | undefined;
  params?: Record<string, unknown> | undefined;
}

/**
 * Makes a fresh Ajv instance for one schema's dialect. The default imports `ajv` by name;
 * bundlers and browsers without an import map can pass their own, e.g.
 * `(draft) => new Ajv2020({ strict: false, allErrors: true, validateSchema: false })`.
 */
export type AjvFactory = (draft: JsonSchemaDraft) => AjvLike | Promise<AjvLike>;

const MODULES: Record<JsonSchemaDraft, string> = {
  "draft-07": "ajv",
  "2019-09": "ajv/dist/2019.js",
  "2020-12": "ajv/dist/2020.js",
};

type AjvConstructor = new (options: Record<string, unknown>) => AjvLike;

/** The default factory: `ajv` imported by name (a variable, so no build step requires it). */
export const defaultAjvFactory: AjvFactory = async (draft) => {
  const specifier = MODULES[draft];
  let module: unknown;
  try {
    module = await import(specifier);
  } catch (error) {
    throw new LocalValidationUnavailableError(
      "local validation needs the optional peer dependency ajv: run `npm install ajv` " +
        "(or pass `ajv: (draft) => new Ajv(...)` to the client), or use validateRemote()",
      { cause: error },
    );
  }
  const Ajv = constructorOf(module);
  // The registry validated the schema against its meta-schema when it was registered.
  return new Ajv({ strict: false, allErrors: true, validateFormats: false, validateSchema: false });
};

function constructorOf(module: unknown): AjvConstructor {
  // ESM, CommonJS through Node's interop, or CommonJS with `exports.default`.
  let found: unknown = module;
  for (let depth = 0; depth < 3 && typeof found !== "function"; depth += 1) {
    found = (found as { default?: unknown } | undefined)?.default;
  }
  if (typeof found !== "function") {
    throw new LocalValidationUnavailableError("the ajv module has no Ajv class as its default");
  }
  return found as AjvConstructor;
}

export function draftOf(document: object): JsonSchemaDraft {
  const declared = (document as { $schema?: unknown }).$schema;
  if (typeof declared === "string") {
    if (declared.includes("2020-12")) {
      return "2020-12";
    }
    if (declared.includes("2019-09")) {
      return "2019-09";
    }
  }
  return "draft-07";
}

/** A compiled schema: validate many records with it. */
export class LocalValidator {
  constructor(
    private readonly check: AjvValidateFunction,
    private readonly hasRules: boolean,
  ) {}

  validate(data: unknown): ValidationOutcome {
    const result = this.check(data);
    if (typeof result !== "boolean") {
      throw new LocalValidationUnavailableError("async JSON Schemas ($async) are not supported");
    }
    const errors = result ? [] : (this.check.errors ?? []).map((e) => problem(e, data));
    const notes = this.hasRules
      ? ["the schema's ruleSet (data-contract rules) is enforced by the registry only"]
      : [];
    return { valid: result, errors, warnings: [], notes };
  }
}

/** Compiles `schema` with the JSON Schema documents it references (name -> document). */
export async function compileLocal(
  schema: RegisteredSchema,
  referenced: Map<string, object>,
  factory: AjvFactory,
): Promise<LocalValidator> {
  if (schema.schemaType !== "JSON") {
    throw new LocalValidationUnavailableError(
      `local validation supports JSON Schema only; schema ${schema.id} is ${schema.schemaType} ` +
        "(use validateRemote())",
    );
  }
  const document = JSON.parse(schema.schema) as unknown;
  if (typeof document === "boolean") {
    return new LocalValidator(
      Object.assign(() => document, { errors: null }),
      false,
    );
  }
  const root = draft4ToDraft6(document as object);
  const ajv = await factory(draftOf(root));
  const base = (root as { $id?: unknown }).$id;
  for (const [name, referencedDocument] of referenced) {
    ajv.addSchema(draft4ToDraft6(referencedDocument), name);
    const alias = typeof base === "string" ? resolved(name, base) : undefined;
    if (alias !== undefined && alias !== name) {
      // A root with an `$id` resolves "other.json" against it, as the registry does.
      ajv.addSchema(withoutId(draft4ToDraft6(referencedDocument)), alias);
    }
  }
  const rules = schema.ruleSet ?? {};
  const hasRules = Object.values(rules).some((list) => Array.isArray(list) && list.length > 0);
  return new LocalValidator(ajv.compile(root), hasRules);
}

const DRAFT_04 = /json-schema\.org\/draft-04\/schema/;
const DATA_KEYWORDS = new Set(["enum", "const", "default", "examples"]);

/** A draft-04 document in draft-06 spelling (others are returned as they are). */
export function draft4ToDraft6(document: object): object {
  const declared = (document as { $schema?: unknown }).$schema;
  return typeof declared === "string" && DRAFT_04.test(declared)
    ? (rewrite4(document) as object)
    : document;
}

function rewrite4(node: unknown): unknown {
  if (Array.isArray(node)) {
    return node.map(rewrite4);
  }
  if (node === null || typeof node !== "object") {
    return node;
  }
  const found: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    found[key === "id" && typeof value === "string" ? "$id" : key] = DATA_KEYWORDS.has(key)
      ? value
      : rewrite4(value);
  }
  for (const [flag, limit] of [
    ["exclusiveMinimum", "minimum"],
    ["exclusiveMaximum", "maximum"],
  ] as const) {
    if (found[flag] === true && typeof found[limit] === "number") {
      found[flag] = found[limit];
      delete found[limit];
    } else if (typeof found[flag] === "boolean") {
      delete found[flag];
    }
  }
  if (typeof found["$schema"] === "string" && DRAFT_04.test(found["$schema"])) {
    found["$schema"] = "http://json-schema.org/draft-06/schema#";
  }
  return found;
}

function resolved(name: string, base: string): string | undefined {
  try {
    return new URL(name, base).href;
  } catch {
    return undefined;
  }
}

function withoutId(document: object): object {
  const { $id: _ignored, ...rest } = document as Record<string, unknown>;
  return rest;
}

/** Ajv's error as the registry spells it: a `$.a.b[0]` path and a message. */
function problem(error: AjvErrorObject, data: unknown): Problem {
  let path = "$";
  let node: unknown = data;
  for (const raw of error.instancePath.split("/").slice(1)) {
    const part = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    path += Array.isArray(node) ? `[${part}]` : `.${part}`;
    node =
      node !== null && typeof node === "object"
        ? (node as Record<string, unknown>)[part]
        : undefined;
  }
  let message = error.message ?? error.keyword;
  if (error.keyword === "required" && typeof error.params?.["missingProperty"] === "string") {
    message = `'${error.params["missingProperty"]}' is a required property`;
  } else if (error.keyword === "additionalProperties") {
    const extra = error.params?.["additionalProperty"];
    message = `additional property '${String(extra)}' is not allowed`;
  }
  return { path, message };
}

/** Fetches a subject's version (the client's cached `getVersion`). */
export type VersionSource = (subject: string, version: number) => Promise<RegisteredSchema>;

/** Compiled validators by schema id (ids never change), at most `capacity` of them. */
export class LocalValidators {
  private readonly compiled = new Map<number, Promise<LocalValidator>>();

  constructor(
    private readonly factory: AjvFactory,
    private readonly capacity: number,
  ) {}

  for(schema: RegisteredSchema, versions: VersionSource): Promise<LocalValidator> {
    let found = this.compiled.get(schema.id);
    if (found === undefined) {
      found = referencedDocuments(schema, versions, new Map()).then((documents) =>
        compileLocal(schema, documents, this.factory),
      );
      found.catch(() => this.compiled.delete(schema.id)); // compile again next time
      this.compiled.set(schema.id, found);
      for (const oldest of this.compiled.keys()) {
        if (this.compiled.size <= this.capacity) break;
        this.compiled.delete(oldest);
      }
    }
    return found;
  }
}

/** name -> JSON document of everything `schema` references, transitively. */
async function referencedDocuments(
  schema: RegisteredSchema,
  versions: VersionSource,
  found: Map<string, object>,
): Promise<Map<string, object>> {
  for (const ref of schema.references) {
    if (!found.has(ref.name)) {
      const target = await versions(ref.subject, ref.version);
      found.set(ref.name, JSON.parse(target.schema) as object);
      await referencedDocuments(target, versions, found);
    }
  }
  return found;
}
