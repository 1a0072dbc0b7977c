/** `RegistryClient`: the TypeScript SDK over the registry's REST API (Confluent's + ours). */

import { DEFAULT_CACHE_SIZE, SchemaCache } from "./cache.js";
import { NotFoundError } from "./errors.js";
import { type AjvFactory, type LocalValidator, compileLocal, defaultAjvFactory } from "./local.js";
import {
  type CacheStats,
  type CompatibilityResult,
  type DiffResult,
  type ExportResult,
  type ExportTarget,
  type LifecycleState,
  type Reference,
  type RegisteredSchema,
  type RegistryConfig,
  type RollbackResult,
  type SchemaInput,
  type SchemaType,
  type ValidationOutcome,
  type Version,
  type VersionState,
  numbers,
  toCompatibilityResult,
  toConfig,
  toDiffResult,
  toExportResult,
  toRegisteredSchema,
  toRollbackResult,
  toValidationOutcome,
  toVersionState,
  unexpected,
} from "./models.js";
import { type RequestOptions, Transport, type TransportOptions, segment } from "./transport.js";

export interface ClientOptions extends TransportOptions {
  /** How long a subject's latest version is served from the cache (default 5 minutes). */
  latestTtlMs?: number | undefined;
  /** Most schemas by id, and most subjects' latest versions, kept in memory (default 1000). */
  cacheSize?: number | undefined;
  /** Makes the Ajv instance for local validation (default: the optional peer `ajv`). */
  ajv?: AjvFactory | undefined;
}

export interface SchemaOptions extends RequestOptions {
  /** AVRO (default, as in Confluent), JSON or PROTOBUF. */
  schemaType?: SchemaType | undefined;
  references?: Reference[] | undefined;
}

export interface RegisterOptions extends SchemaOptions {
  metadata?: Record<string, unknown> | undefined;
  ruleSet?: Record<string, unknown> | undefined;
  normalize?: boolean | undefined;
  /** Register as a DRAFT version (never served as latest until activated). */
  draft?: boolean | undefined;
}

export interface CompatibilityOptions extends SchemaOptions {
  /** The version to check against (default latest). */
  version?: Version | undefined;
}

/** Which registered schema to validate against: a subject's version, or a schema id. */
export type ValidationTarget = (
  | { subject: string; version?: Version | undefined; schemaId?: undefined }
  | { schemaId: number; subject?: undefined; version?: undefined }
) & {
  /** Protobuf: the message type name. */
  message?: string | undefined;
};

export interface VersionUpdate {
  state?: LifecycleState | undefined;
  /** ISO 8601 date (end of that day UTC) or RFC 3339 date-time; needed to deprecate. */
  sunsetDate?: string | undefined;
  reason?: string | undefined;
  /** Replaces the version's governance metadata in place. */
  metadata?: Record<string, unknown> | undefined;
}

export interface ExportOptions extends RequestOptions {
  version?: Version | undefined;
  /** Apply the safe rewrites (default false). */
  fix?: boolean | undefined;
  /** Tool/schema name in the payload (default: from the subject). */
  name?: string | undefined;
}

function schemaText(schema: SchemaInput): string {
  return typeof schema === "string" ? schema : JSON.stringify(schema);
}

function schemaBody(schema: SchemaInput, options: RegisterOptions): Record<string, unknown> {
  const body: Record<string, unknown> = {
    schema: schemaText(schema),
    schemaType: (options.schemaType ?? "AVRO").toUpperCase(),
  };
  if (options.references?.length) {
    body["references"] = options.references;
  }
  if (options.metadata !== undefined) {
    body["metadata"] = options.metadata;
  }
  if (options.ruleSet !== undefined) {
    body["ruleSet"] = options.ruleSet;
  }
  return body;
}

function isLatest(version: Version): boolean {
  return version === "latest" || version === -1;
}

function versionPath(subject: string, version: Version): string {
  return `/subjects/${segment(subject)}/versions/${segment(version)}`;
}

function call(options: RequestOptions): RequestOptions {
  return { signal: options.signal, timeoutMs: options.timeoutMs };
}

/**
 * Talks to one registry. Schemas by id are cached with no expiry, a subject's latest version
 * for `latestTtlMs`; network errors, timeouts and 5xx are retried `retries` times with
 * exponential backoff and jitter, 4xx never. Every method takes `{ signal, timeoutMs }`.
 */
export class RegistryClient {
  /** Low-level HTTP (auth, retries, errors) for endpoints this class does not wrap. */
  readonly transport: Transport;
  readonly cache: SchemaCache;
  private readonly ajvFactory: AjvFactory;
  private readonly validators = new Map<number, Promise<LocalValidator>>();
  private readonly maxValidators: number;

  constructor(options: ClientOptions) {
    this.transport = new Transport(options);
    this.cache = new SchemaCache({ latestTtlMs: options.latestTtlMs, maxEntries: options.cacheSize });
    this.ajvFactory = options.ajv ?? defaultAjvFactory;
    this.maxValidators = options.cacheSize ?? DEFAULT_CACHE_SIZE;
  }

  get cacheStats(): CacheStats {
    return this.cache.stats;
  }

  // -- schemas and subjects ----------------------------------------------------------------

  /** Registers (or finds) the schema under `subject`; returns its id. */
  async register(subject: string, schema: SchemaInput, options: RegisterOptions = {}): Promise<number> {
    const path = `/subjects/${segment(subject)}/versions`;
    const query = { normalize: options.normalize ? "true" : undefined, state: options.draft ? "DRAFT" : undefined };
    const reply = await this.transport.request(
      { method: "POST", path, query, body: schemaBody(schema, options) },
      call(options),
    );
    this.cache.invalidate(subject);
    const id = (reply as { id?: unknown } | undefined)?.id;
    if (typeof id !== "number") {
      throw unexpected("a registration", reply);
    }
    return id;
  }

  /** The version of `subject` holding this schema (NotFoundError when none does). */
  async lookup(subject: string, schema: SchemaInput, options: SchemaOptions = {}): Promise<RegisteredSchema> {
    const path = `/subjects/${segment(subject)}`;
    const body = schemaBody(schema, options);
    return toRegisteredSchema(await this.transport.request({ method: "POST", path, body }, call(options)));
  }

  /** The schema with this id (cached for good: ids never change). */
  async getSchema(id: number, options: RequestOptions = {}): Promise<RegisteredSchema> {
    const cached = this.cache.getById(id);
    if (cached !== undefined) {
      return cached;
    }
    const reply = await this.transport.request({ method: "GET", path: `/schemas/ids/${segment(id)}` }, call(options));
    const found = toRegisteredSchema(reply, id);
    this.cache.putId(found);
    return found;
  }

  /** A version of `subject` (default latest; latest is cached for `latestTtlMs`). */
  async getVersion(subject: string, version: Version = "latest", options: RequestOptions = {}): Promise<RegisteredSchema> {
    const latest = isLatest(version);
    const cached = latest ? this.cache.getLatest(subject) : undefined;
    if (cached !== undefined) {
      return cached;
    }
    let reply: unknown;
    try {
      reply = await this.transport.request({ method: "GET", path: versionPath(subject, version) }, call(options));
    } catch (error) {
      if (error instanceof NotFoundError) {
        this.cache.invalidate(subject);
      }
      throw error;
    }
    const found = toRegisteredSchema(reply);
    if (latest) {
      this.cache.putLatest(subject, found);
    }
    return found;
  }

  getLatest(subject: string, options: RequestOptions = {}): Promise<RegisteredSchema> {
    return this.getVersion(subject, "latest", options);
  }

  /** Subject names; `prefix` may be a glob (`*`, `?`, `[`). */
  async subjects(options: RequestOptions & { prefix?: string | undefined } = {}): Promise<string[]> {
    const reply = await this.transport.request(
      { method: "GET", path: "/subjects", query: { subjectPrefix: options.prefix } },
      call(options),
    );
    if (!Array.isArray(reply)) {
      throw unexpected("subjects", reply);
    }
    return reply.map(String);
  }

  /** The subject's version numbers (archived ones only with `includeArchived`). */
  async versions(subject: string, options: RequestOptions & { includeArchived?: boolean | undefined } = {}): Promise<number[]> {
    const path = `/subjects/${segment(subject)}/versions`;
    const query = { includeArchived: options.includeArchived ? "true" : undefined };
    return numbers(await this.transport.request({ method: "GET", path, query }, call(options)), "versions");
  }

  /** Would `schema` be accepted under `subject`? Every reason when not (verbose). */
  async checkCompatibility(subject: string, schema: SchemaInput, options: CompatibilityOptions = {}): Promise<CompatibilityResult> {
    const path = `/compatibility${versionPath(subject, options.version ?? "latest")}`;
    const body = schemaBody(schema, options);
    try {
      const reply = await this.transport.request({ method: "POST", path, query: { verbose: "true" }, body }, call(options));
      return toCompatibilityResult(reply);
    } catch (error) {
      if (error instanceof NotFoundError && error.errorCode === 40401) {
        return { isCompatible: true, messages: [] }; // nothing registered yet: anything goes
      }
      throw error;
    }
  }

  /** The subject's configuration (falling back to the global one), or the global one. */
  async getConfig(subject?: string, options: RequestOptions = {}): Promise<RegistryConfig> {
    const path = subject === undefined ? "/config" : `/config/${segment(subject)}`;
    const query = { defaultToGlobal: subject === undefined ? undefined : "true" };
    return toConfig(await this.transport.request({ method: "GET", path, query }, call(options)));
  }

  /** Sets a compatibility level (`"BACKWARD"`, ...) or a whole config, for a subject or globally. */
  async setConfig(config: string | RegistryConfig, subject?: string, options: RequestOptions = {}): Promise<RegistryConfig> {
    const path = subject === undefined ? "/config" : `/config/${segment(subject)}`;
    const body = typeof config === "string" ? { compatibility: config } : config;
    return toConfig(await this.transport.request({ method: "PUT", path, body }, call(options)));
  }

  // -- governance --------------------------------------------------------------------------

  /** Moves a version through its lifecycle and/or replaces its governance metadata. */
  async updateVersion(subject: string, version: Version, update: VersionUpdate, options: RequestOptions = {}): Promise<VersionState> {
    const body: Record<string, unknown> = {};
    if (update.state !== undefined) body["state"] = update.state;
    if (update.sunsetDate !== undefined) body["sunset_date"] = update.sunsetDate;
    if (update.reason !== undefined) body["reason"] = update.reason;
    if (update.metadata !== undefined) body["metadata"] = update.metadata;
    this.cache.invalidate(subject);
    const reply = await this.transport.request({ method: "PUT", path: versionPath(subject, version), body }, call(options));
    this.cache.invalidate(subject);
    return toVersionState(reply);
  }

  /** ACTIVE -> DEPRECATED; `sunsetDate` must not be in the past. */
  deprecate(subject: string, version: Version, change: { reason: string; sunsetDate: string }, options: RequestOptions = {}): Promise<VersionState> {
    return this.updateVersion(subject, version, { state: "DEPRECATED", ...change }, options);
  }

  /** DRAFT or DEPRECATED -> ACTIVE. */
  activate(subject: string, version: Version, options: RequestOptions = {}): Promise<VersionState> {
    return this.updateVersion(subject, version, { state: "ACTIVE" }, options);
  }

  /** DRAFT or DEPRECATED -> ARCHIVED (kept, still served by id, no longer listed). */
  archive(subject: string, version: Version, change: { reason?: string | undefined } = {}, options: RequestOptions = {}): Promise<VersionState> {
    return this.updateVersion(subject, version, { state: "ARCHIVED", reason: change.reason }, options);
  }

  /** Deprecates every ACTIVE version above `targetVersion`; creates no version. */
  async rollback(
    subject: string,
    targetVersion: number,
    change: { sunsetDate?: string | undefined; reason?: string | undefined } = {},
    options: RequestOptions = {},
  ): Promise<RollbackResult> {
    const body: Record<string, unknown> = { target_version: targetVersion };
    if (change.sunsetDate !== undefined) body["sunset_date"] = change.sunsetDate;
    if (change.reason !== undefined) body["reason"] = change.reason;
    this.cache.invalidate(subject);
    const path = `/subjects/${segment(subject)}/rollback`;
    const reply = await this.transport.request({ method: "POST", path, body }, call(options));
    this.cache.invalidate(subject);
    return toRollbackResult(reply);
  }

  /** What changed between two versions, whether it breaks, and the semver bump it makes. */
  async diff(subject: string, version: Version, against: Version, options: RequestOptions = {}): Promise<DiffResult> {
    const path = `${versionPath(subject, version)}/diff`;
    const reply = await this.transport.request({ method: "GET", path, query: { against: String(against) } }, call(options));
    return toDiffResult(reply);
  }

  // -- LLM providers -----------------------------------------------------------------------

  /** A registered JSON Schema as `target`'s payload, with its strictness findings. */
  async export(subject: string, target: ExportTarget, options: ExportOptions = {}): Promise<ExportResult> {
    const path = `${versionPath(subject, options.version ?? "latest")}/export`;
    const query = { target, fix: options.fix ? "true" : "false", name: options.name };
    return toExportResult(await this.transport.request({ method: "GET", path, query }, call(options)));
  }

  // -- validation --------------------------------------------------------------------------

  /** `records` checked by the registry (`POST /validate`, one batch, data-contract rules too). */
  async validateRemote(records: unknown[], target: ValidationTarget, options: RequestOptions = {}): Promise<ValidationOutcome[]> {
    const reply = await this.transport.request(
      { method: "POST", path: "/validate", body: { ...targetBody(target), records } },
      call(options),
    );
    const results = (reply as { results?: unknown } | undefined)?.results;
    if (!Array.isArray(results)) {
      throw unexpected("a validation batch", reply);
    }
    return results.map(toValidationOutcome);
  }

  /**
   * Raw model text checked by the registry (`POST /validate` with `llm_output`): the JSON is
   * extracted, validated, and `repairPrompt` says what to ask the model when it is invalid.
   */
  async validateLlmOutput(reply: string, target: ValidationTarget, options: RequestOptions = {}): Promise<ValidationOutcome> {
    const body = { ...targetBody(target), llm_output: reply };
    return toValidationOutcome(await this.transport.request({ method: "POST", path: "/validate", body }, call(options)));
  }

  /**
   * `data` checked here against a registered JSON Schema (with everything it references),
   * using the optional peer dependency `ajv`. Compiled once per schema id.
   */
  async validate(data: unknown, target: ValidationTarget, options: RequestOptions = {}): Promise<ValidationOutcome> {
    const schema =
      target.schemaId !== undefined
        ? await this.getSchema(target.schemaId, options)
        : await this.getVersion(target.subject, target.version ?? "latest", options);
    return (await this.localValidator(schema, options)).validate(data);
  }

  private localValidator(schema: RegisteredSchema, options: RequestOptions): Promise<LocalValidator> {
    let found = this.validators.get(schema.id);
    if (found === undefined) {
      found = this.referencedDocuments(schema, new Map(), options).then((docs) =>
        compileLocal(schema, docs, this.ajvFactory),
      );
      found.catch(() => this.validators.delete(schema.id));
      this.validators.set(schema.id, found);
      for (const oldest of this.validators.keys()) {
        if (this.validators.size <= this.maxValidators) break;
        this.validators.delete(oldest);
      }
    }
    return found;
  }

  /** name -> JSON document of everything `schema` references, transitively. */
  private async referencedDocuments(
    schema: RegisteredSchema,
    found: Map<string, object>,
    options: RequestOptions,
  ): Promise<Map<string, object>> {
    for (const ref of schema.references) {
      if (!found.has(ref.name)) {
        const target = await this.getVersion(ref.subject, ref.version, options);
        found.set(ref.name, JSON.parse(target.schema) as object);
        await this.referencedDocuments(target, found, options);
      }
    }
    return found;
  }
}

function targetBody(target: ValidationTarget): Record<string, unknown> {
  const body: Record<string, unknown> =
    target.schemaId !== undefined
      ? { schema_id: target.schemaId }
      : { subject: target.subject, version: String(target.version ?? "latest") };
  if (target.message !== undefined) {
    body["message"] = target.message;
  }
  return body;
}
