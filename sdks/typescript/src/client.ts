/** `RegistryClient`: the TypeScript SDK over the registry's REST API (Confluent's + ours). */

import { DEFAULT_CACHE_SIZE, SchemaCache } from "./cache.js";
import { NotFoundError } from "./errors.js";
import { type ChangeEvent, type EventStreamOptions, followEvents } from "./events.js";
import { LocalValidators, defaultAjvFactory } from "./local.js";
import {
  type CacheStats,
  type CompatibilityResult,
  type DiffResult,
  type ExportResult,
  type ExportTarget,
  type RegisteredSchema,
  type RegistryConfig,
  type RollbackResult,
  type SchemaInput,
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
import {
  type ClientOptions,
  type CompatibilityOptions,
  type ExportOptions,
  type RegisterOptions,
  type RollbackOptions,
  type SchemaOptions,
  type ValidationTarget,
  type VersionUpdate,
  configPath,
  isLatest,
  rollbackBody,
  schemaBody,
  subjectPath,
  targetBody,
  updateBody,
  versionPath,
} from "./requests.js";
import { type Call, type RequestOptions, Transport, segment } from "./transport.js";

/**
 * Talks to one registry. Schemas by id are cached with no expiry, a subject's latest version
 * for `latestTtlMs`; network errors, timeouts and 5xx are retried `retries` times with
 * exponential backoff and jitter, 4xx never. Every method takes `{ signal, timeoutMs }` last.
 */
export class RegistryClient {
  /** Low-level HTTP (auth, retries, errors), also for endpoints this class does not wrap. */
  readonly transport: Transport;
  readonly cache: SchemaCache;
  private readonly validators: LocalValidators;

  constructor(options: ClientOptions) {
    this.transport = new Transport(options);
    this.cache = new SchemaCache({
      latestTtlMs: options.latestTtlMs,
      maxEntries: options.cacheSize,
      clock: options.clock,
    });
    this.validators = new LocalValidators(
      options.ajv ?? defaultAjvFactory,
      options.cacheSize ?? DEFAULT_CACHE_SIZE,
    );
  }

  get cacheStats(): CacheStats {
    return this.cache.stats;
  }

  /**
   * The registry's change events (`GET /events/stream`), then live ones, until `signal`
   * aborts or the loop breaks: `for await (const event of client.events({ subjects:
   * ["orders.*"] }))`. Resumes by itself after a dropped connection, missing nothing.
   */
  events(options: EventStreamOptions = {}): AsyncGenerator<ChangeEvent, void, undefined> {
    return followEvents(this.transport, options);
  }

  private send(call: Call, options: RequestOptions): Promise<unknown> {
    return this.transport.request(call, { signal: options.signal, timeoutMs: options.timeoutMs });
  }

  // -- schemas and subjects ----------------------------------------------------------------

  /** Registers (or finds) the schema under `subject`; returns its id. */
  async register(
    subject: string,
    schema: SchemaInput,
    options: RegisterOptions = {},
  ): Promise<number> {
    const query = {
      normalize: options.normalize ? "true" : undefined,
      state: options.draft ? "DRAFT" : undefined,
    };
    const path = `${subjectPath(subject)}/versions`;
    const body = schemaBody(schema, options);
    const reply = await this.send({ method: "POST", path, query, body }, options);
    this.cache.invalidate(subject);
    const id = (reply as { id?: unknown } | undefined)?.id;
    if (typeof id !== "number") {
      throw unexpected("a registration", reply);
    }
    return id;
  }

  /** The version of `subject` holding this schema (NotFoundError when none does). */
  async lookup(
    subject: string,
    schema: SchemaInput,
    options: SchemaOptions = {},
  ): Promise<RegisteredSchema> {
    const body = schemaBody(schema, options);
    const reply = await this.send({ method: "POST", path: subjectPath(subject), body }, options);
    return toRegisteredSchema(reply);
  }

  /** The schema with this id (cached for good: ids never change). */
  async getSchema(id: number, options: RequestOptions = {}): Promise<RegisteredSchema> {
    const cached = this.cache.getById(id);
    if (cached !== undefined) {
      return cached;
    }
    const reply = await this.send({ method: "GET", path: `/schemas/ids/${segment(id)}` }, options);
    const found = toRegisteredSchema(reply, id);
    this.cache.putId(found);
    return found;
  }

  /** A version of `subject` (default latest; latest is cached for `latestTtlMs`). */
  async getVersion(
    subject: string,
    version: Version = "latest",
    options: RequestOptions = {},
  ): Promise<RegisteredSchema> {
    const latest = isLatest(version);
    const cached = latest ? this.cache.getLatest(subject) : undefined;
    if (cached !== undefined) {
      return cached;
    }
    let reply: unknown;
    try {
      reply = await this.send({ method: "GET", path: versionPath(subject, version) }, options);
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
  async subjects(
    options: RequestOptions & { prefix?: string | undefined } = {},
  ): Promise<string[]> {
    const query = { subjectPrefix: options.prefix };
    const reply = await this.send({ method: "GET", path: "/subjects", query }, options);
    if (!Array.isArray(reply)) {
      throw unexpected("subjects", reply);
    }
    return reply.map(String);
  }

  /** The subject's version numbers (archived ones only with `includeArchived`). */
  async versions(
    subject: string,
    options: RequestOptions & { includeArchived?: boolean | undefined } = {},
  ): Promise<number[]> {
    const path = `${subjectPath(subject)}/versions`;
    const query = { includeArchived: options.includeArchived ? "true" : undefined };
    return numbers(await this.send({ method: "GET", path, query }, options), "versions");
  }

  /** Would `schema` be accepted under `subject`? Every reason when not (verbose). */
  async checkCompatibility(
    subject: string,
    schema: SchemaInput,
    options: CompatibilityOptions = {},
  ): Promise<CompatibilityResult> {
    const path = `/compatibility${versionPath(subject, options.version ?? "latest")}`;
    const call: Call = { method: "POST", path, query: { verbose: "true" } };
    try {
      return toCompatibilityResult(
        await this.send({ ...call, body: schemaBody(schema, options) }, options),
      );
    } catch (error) {
      if (error instanceof NotFoundError && error.errorCode === 40401) {
        return { isCompatible: true, messages: [] }; // nothing registered yet: anything goes
      }
      throw error;
    }
  }

  /** The subject's configuration (falling back to the global one), or the global one. */
  async getConfig(subject?: string, options: RequestOptions = {}): Promise<RegistryConfig> {
    const query = { defaultToGlobal: subject === undefined ? undefined : "true" };
    return toConfig(await this.send({ method: "GET", path: configPath(subject), query }, options));
  }

  /** Sets a compatibility level (`"BACKWARD"`, ...) or a whole config, per subject or global. */
  async setConfig(
    config: string | RegistryConfig,
    subject?: string,
    options: RequestOptions = {},
  ): Promise<RegistryConfig> {
    const body = typeof config === "string" ? { compatibility: config } : config;
    return toConfig(await this.send({ method: "PUT", path: configPath(subject), body }, options));
  }

  // -- governance --------------------------------------------------------------------------

  /** Moves a version through its lifecycle and/or replaces its governance metadata. */
  async updateVersion(
    subject: string,
    version: Version,
    update: VersionUpdate,
    options: RequestOptions = {},
  ): Promise<VersionState> {
    const path = versionPath(subject, version);
    try {
      return toVersionState(
        await this.send({ method: "PUT", path, body: updateBody(update) }, options),
      );
    } finally {
      this.cache.invalidate(subject); // latest may have moved, whatever the answer
    }
  }

  /** ACTIVE -> DEPRECATED; `sunsetDate` must not be in the past. */
  deprecate(
    subject: string,
    version: Version,
    change: { reason: string; sunsetDate: string },
    options: RequestOptions = {},
  ): Promise<VersionState> {
    return this.updateVersion(subject, version, { state: "DEPRECATED", ...change }, options);
  }

  /** DRAFT or DEPRECATED -> ACTIVE. */
  activate(subject: string, version: Version, options: RequestOptions = {}): Promise<VersionState> {
    return this.updateVersion(subject, version, { state: "ACTIVE" }, options);
  }

  /** DRAFT or DEPRECATED -> ARCHIVED (kept and served by id, no longer listed). */
  archive(
    subject: string,
    version: Version,
    options: RequestOptions & { reason?: string | undefined } = {},
  ): Promise<VersionState> {
    return this.updateVersion(
      subject,
      version,
      { state: "ARCHIVED", reason: options.reason },
      options,
    );
  }

  /** Deprecates every ACTIVE version above `targetVersion`; creates no version. */
  async rollback(
    subject: string,
    targetVersion: number,
    options: RollbackOptions = {},
  ): Promise<RollbackResult> {
    const path = `${subjectPath(subject)}/rollback`;
    const body = rollbackBody(targetVersion, options);
    try {
      return toRollbackResult(await this.send({ method: "POST", path, body }, options));
    } finally {
      this.cache.invalidate(subject);
    }
  }

  /** What changed between two versions, whether it breaks, and the semver bump it makes. */
  async diff(
    subject: string,
    version: Version,
    against: Version,
    options: RequestOptions = {},
  ): Promise<DiffResult> {
    const path = `${versionPath(subject, version)}/diff`;
    const query = { against: String(against) };
    return toDiffResult(await this.send({ method: "GET", path, query }, options));
  }

  // -- LLM providers -----------------------------------------------------------------------

  /** A registered JSON Schema as `target`'s payload, with its strictness findings. */
  async export(
    subject: string,
    target: ExportTarget,
    options: ExportOptions = {},
  ): Promise<ExportResult> {
    const path = `${versionPath(subject, options.version ?? "latest")}/export`;
    const query = { target, fix: options.fix ? "true" : "false", name: options.name };
    return toExportResult(await this.send({ method: "GET", path, query }, options));
  }

  // -- validation --------------------------------------------------------------------------

  /** `records` checked by the registry (`POST /validate`, one batch, data-contract rules too). */
  async validateRemote(
    records: unknown[],
    target: ValidationTarget,
    options: RequestOptions = {},
  ): Promise<ValidationOutcome[]> {
    const body = { ...targetBody(target), records };
    const reply = await this.send({ method: "POST", path: "/validate", body }, options);
    const results = (reply as { results?: unknown } | undefined)?.results;
    if (!Array.isArray(results)) {
      throw unexpected("a validation batch", reply);
    }
    return results.map(toValidationOutcome);
  }

  /**
   * Raw model text checked by the registry (`POST /validate` with `llm_output`): the JSON is
   * extracted and validated, and `repairPrompt` says what to ask the model when it is invalid.
   */
  async validateLlmOutput(
    reply: string,
    target: ValidationTarget,
    options: RequestOptions = {},
  ): Promise<ValidationOutcome> {
    const body = { ...targetBody(target), llm_output: reply };
    return toValidationOutcome(
      await this.send({ method: "POST", path: "/validate", body }, options),
    );
  }

  /**
   * `data` checked here against a registered JSON Schema (with everything it references),
   * using the optional peer dependency `ajv`; compiled once per schema id. Structure only:
   * the schema's data-contract rules run on the registry (`validateRemote`).
   */
  async validate(
    data: unknown,
    target: ValidationTarget,
    options: RequestOptions = {},
  ): Promise<ValidationOutcome> {
    const schema =
      target.schemaId !== undefined
        ? await this.getSchema(target.schemaId, options)
        : await this.getVersion(target.subject, target.version ?? "latest", options);
    const versions = (subject: string, version: number): Promise<RegisteredSchema> =>
      this.getVersion(subject, version, options);
    return (await this.validators.for(schema, versions)).validate(data);
  }
}
