/** Typed results of the SDK, built from the registry's JSON (camelCase on this side). */

import { RegistryError, isRecord } from "./errors.js";

/** AVRO (the registry's default), JSON (JSON Schema) or PROTOBUF; open for later types. */
export type SchemaType = "AVRO" | "JSON" | "PROTOBUF" | (string & {});

/** A version number, or `"latest"` (also spelled `-1`). */
export type Version = number | "latest";

/** A schema as text, or as a JSON document (sent as its `JSON.stringify`). */
export type SchemaInput = string | object;

/** Lifecycle states of a version (see docs/governance.md). */
export type LifecycleState = "DRAFT" | "ACTIVE" | "DEPRECATED" | "ARCHIVED";

/** Provider export targets (`GET /subjects/{s}/versions/{v}/export?target=`). */
export type ExportTarget =
  "openai" | "openai-tool" | "anthropic-tool" | "gemini" | "mcp-tool" | (string & {});

export interface Reference {
  name: string;
  subject: string;
  version: number;
}

/** A schema as the registry holds it; `subject`/`version` are undefined when fetched by id. */
export interface RegisteredSchema {
  id: number;
  schema: string;
  schemaType: SchemaType;
  subject?: string | undefined;
  version?: number | undefined;
  guid?: string | undefined;
  references: Reference[];
  metadata?: Record<string, unknown> | undefined;
  ruleSet?: Record<string, unknown> | undefined;
  /** Lifecycle state, when the registry sent it (it does for versions). */
  state?: LifecycleState | undefined;
  sunsetDate?: string | undefined;
  reason?: string | undefined;
}

export interface CompatibilityResult {
  isCompatible: boolean;
  /** Every reason, with its path (the registry's verbose messages). */
  messages: string[];
}

export interface Problem {
  path: string;
  message: string;
}

export interface RuleWarning {
  rule: string;
  message: string;
}

/** One record's result; `extracted`, `source`, `notes` and `repairPrompt` for LLM output. */
export interface ValidationOutcome {
  valid: boolean;
  errors: Problem[];
  warnings: RuleWarning[];
  extracted?: unknown;
  source?: string | undefined;
  notes: string[];
  repairPrompt?: string | null | undefined;
}

export interface ExportFinding {
  path: string;
  rule: string;
  message: string;
}

/** A provider payload, the strictness findings left and the fixes applied. */
export interface ExportResult {
  payload: Record<string, unknown>;
  findings: ExportFinding[];
  fixes: ExportFinding[];
}

/** A version's lifecycle after `PUT /subjects/{s}/versions/{v}`. */
export interface VersionState {
  subject: string;
  version: number;
  state: LifecycleState;
  sunsetDate: string | null;
  reason: string | null;
  metadata: Record<string, unknown> | null;
}

export interface RollbackResult {
  /** Versions that were ACTIVE above the target and are now DEPRECATED. */
  deprecated: number[];
  /** The subject's latest version after the rollback. */
  latest: number;
}

export interface SchemaChange {
  path: string;
  kind: string;
  breaking: boolean;
  migrationNote: string | null;
}

export interface DiffResult {
  version: number;
  against: number;
  changes: SchemaChange[];
  semverBump: "major" | "minor" | "patch" | "none";
}

/** A compatibility configuration as the registry stores it (Confluent's fields and ours). */
export interface RegistryConfig {
  compatibilityLevel?: string;
  compatibility?: string;
  normalize?: boolean;
  maxVersions?: number;
  [field: string]: unknown;
}

export interface CacheStats {
  hits: number;
  misses: number;
  /** hits / (hits + misses), 0 before any lookup. */
  hitRate: number;
  /** Entries pushed out because the cache was full. */
  evictions: number;
  /** Schemas held by id, and subjects whose latest version is held. */
  ids: number;
  latest: number;
}

// -- decoding the registry's JSON ----------------------------------------------------------

export function unexpected(what: string, body: unknown): RegistryError {
  return new RegistryError(`unexpected reply for ${what}: ${JSON.stringify(body)}`, { body });
}

function record(body: unknown, what: string): Record<string, unknown> {
  if (!isRecord(body)) {
    throw unexpected(what, body);
  }
  return body;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function optionalRecord(value: unknown): Record<string, unknown> | undefined {
  return isRecord(value) ? value : undefined;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

export function numbers(body: unknown, what: string): number[] {
  if (!Array.isArray(body)) {
    throw unexpected(what, body);
  }
  return body.map(Number);
}

export function toRegisteredSchema(body: unknown, schemaId?: number): RegisteredSchema {
  const fields = record(body, "a schema");
  if (typeof fields["schema"] !== "string") {
    throw unexpected("a schema", body);
  }
  const references = Array.isArray(fields["references"]) ? fields["references"] : [];
  return {
    id: typeof fields["id"] === "number" ? fields["id"] : (schemaId ?? 0),
    schema: fields["schema"],
    schemaType: optionalString(fields["schemaType"]) ?? "AVRO",
    subject: optionalString(fields["subject"]),
    version: typeof fields["version"] === "number" ? fields["version"] : undefined,
    guid: optionalString(fields["guid"]),
    references: references.filter(isRecord).map((ref) => ({
      name: String(ref["name"]),
      subject: String(ref["subject"]),
      version: Number(ref["version"]),
    })),
    metadata: optionalRecord(fields["metadata"]),
    ruleSet: optionalRecord(fields["ruleSet"]),
    state: optionalString(fields["state"]) as LifecycleState | undefined,
    sunsetDate: optionalString(fields["sunset_date"]),
    reason: optionalString(fields["reason"]),
  };
}

export function toValidationOutcome(body: unknown): ValidationOutcome {
  const fields = record(body, "a validation");
  const errors = Array.isArray(fields["errors"]) ? fields["errors"].filter(isRecord) : [];
  const warnings = Array.isArray(fields["warnings"]) ? fields["warnings"].filter(isRecord) : [];
  const found: ValidationOutcome = {
    valid: fields["valid"] === true,
    errors: errors.map((e) => ({ path: String(e["path"]), message: String(e["message"]) })),
    warnings: warnings.map((w) => ({ rule: String(w["rule"]), message: String(w["message"]) })),
    notes: strings(fields["notes"]),
  };
  if ("extracted" in fields) {
    found.extracted = fields["extracted"];
    found.source = optionalString(fields["source"]);
    found.repairPrompt = optionalString(fields["repair_prompt"]) ?? null;
  }
  return found;
}

function findings(value: unknown): ExportFinding[] {
  return (Array.isArray(value) ? value.filter(isRecord) : []).map((f) => ({
    path: String(f["path"]),
    rule: String(f["rule"]),
    message: String(f["message"]),
  }));
}

export function toExportResult(body: unknown): ExportResult {
  const fields = record(body, "an export");
  return {
    payload: optionalRecord(fields["payload"]) ?? {},
    findings: findings(fields["findings"]),
    fixes: findings(fields["fixes"]),
  };
}

export function toVersionState(body: unknown): VersionState {
  const fields = record(body, "a version update");
  return {
    subject: String(fields["subject"]),
    version: Number(fields["version"]),
    state: String(fields["state"]) as LifecycleState,
    sunsetDate: optionalString(fields["sunset_date"]) ?? null,
    reason: optionalString(fields["reason"]) ?? null,
    metadata: optionalRecord(fields["metadata"]) ?? null,
  };
}

export function toRollbackResult(body: unknown): RollbackResult {
  const fields = record(body, "a rollback");
  return {
    deprecated: numbers(fields["deprecated"], "a rollback"),
    latest: Number(fields["latest"]),
  };
}

export function toCompatibilityResult(body: unknown): CompatibilityResult {
  const fields = record(body, "a compatibility check");
  return { isCompatible: fields["is_compatible"] === true, messages: strings(fields["messages"]) };
}

export function toDiffResult(body: unknown): DiffResult {
  const fields = record(body, "a diff");
  const changes = Array.isArray(fields["changes"]) ? fields["changes"].filter(isRecord) : [];
  return {
    version: Number(fields["version"]),
    against: Number(fields["against"]),
    changes: changes.map((c) => ({
      path: String(c["path"]),
      kind: String(c["kind"]),
      breaking: c["breaking"] === true,
      migrationNote: optionalString(c["migration_note"]) ?? null,
    })),
    semverBump: String(fields["semver_bump"]) as DiffResult["semverBump"],
  };
}

export function toConfig(body: unknown): RegistryConfig {
  return { ...record(body, "a config") };
}
