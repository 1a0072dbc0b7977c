/** What the client's methods take (option types) and the request bodies and paths they build. */

import type { AjvFactory } from "./local.js";
import type { LifecycleState, Reference, SchemaInput, SchemaType, Version } from "./models.js";
import { type RequestOptions, type TransportOptions, segment } from "./transport.js";

export interface ClientOptions extends TransportOptions {
  /** How long a subject's latest version is served from the cache (default 5 minutes). */
  latestTtlMs?: number | undefined;
  /** Most schemas by id, and most subjects' latest versions, kept in memory (default 1000). */
  cacheSize?: number | undefined;
  /** Makes the Ajv instance for local validation (default: the optional peer `ajv`). */
  ajv?: AjvFactory | undefined;
  /** The cache's monotonic clock in milliseconds (default `performance.now`; for tests). */
  clock?: (() => number) | undefined;
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

export interface RollbackOptions extends RequestOptions {
  /** When the deprecated versions sunset (default: 30 days from now). */
  sunsetDate?: string | undefined;
  reason?: string | undefined;
}

export interface ExportOptions extends RequestOptions {
  version?: Version | undefined;
  /** Apply the safe rewrites (default false). */
  fix?: boolean | undefined;
  /** Tool/schema name in the payload (default: from the subject). */
  name?: string | undefined;
}

/** The fields of `source` that are set, renamed by `names` (camelCase -> the wire's). */
function defined(
  source: Record<string, unknown>,
  names: Record<string, string>,
): Record<string, unknown> {
  const found: Record<string, unknown> = {};
  for (const [ours, theirs] of Object.entries(names)) {
    if (source[ours] !== undefined) {
      found[theirs] = source[ours];
    }
  }
  return found;
}

export function schemaBody(schema: SchemaInput, options: RegisterOptions): Record<string, unknown> {
  return {
    schema: typeof schema === "string" ? schema : JSON.stringify(schema),
    schemaType: (options.schemaType ?? "AVRO").toUpperCase(),
    ...(options.references?.length ? { references: options.references } : {}),
    ...defined({ ...options }, { metadata: "metadata", ruleSet: "ruleSet" }),
  };
}

export function updateBody(update: VersionUpdate): Record<string, unknown> {
  return defined(
    { ...update },
    {
      state: "state",
      sunsetDate: "sunset_date",
      reason: "reason",
      metadata: "metadata",
    },
  );
}

export function rollbackBody(
  targetVersion: number,
  options: RollbackOptions,
): Record<string, unknown> {
  return {
    target_version: targetVersion,
    ...defined({ ...options }, { sunsetDate: "sunset_date", reason: "reason" }),
  };
}

export function targetBody(target: ValidationTarget): Record<string, unknown> {
  const schema =
    target.schemaId !== undefined
      ? { schema_id: target.schemaId }
      : { subject: target.subject, version: String(target.version ?? "latest") };
  return { ...schema, ...defined({ ...target }, { message: "message" }) };
}

export function isLatest(version: Version): boolean {
  return version === "latest" || version === -1;
}

export function subjectPath(subject: string): string {
  return `/subjects/${segment(subject)}`;
}

export function versionPath(subject: string, version: Version): string {
  return `${subjectPath(subject)}/versions/${segment(version)}`;
}

export function configPath(subject: string | undefined): string {
  return subject === undefined ? "/config" : `/config/${segment(subject)}`;
}
