"""The MCP tools: each one's input and output JSON Schema, annotations, and what it asks the
registry through the SDK (`AsyncRegistryClient`), so a tool can do nothing REST would not
let the same caller do: every call is a REST call with the caller's credentials."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from mcp import types

from llm_schema_registry.client import AsyncRegistryClient, RegisteredSchema, ValidationOutcome
from llm_schema_registry.llm.providers import Target

Json = dict[str, Any]
Run = Callable[[AsyncRegistryClient, Json], Awaitable[Json]]

STRING: Json = {"type": "string"}
INTEGER: Json = {"type": "integer"}
VERSION: Json = {"type": ["string", "integer"], "description": "A version number, or latest"}
SCHEMA_TEXT: Json = {
    "type": ["string", "object"],
    "description": "The schema: its text, or a JSON Schema / prompt template as an object",
}
SCHEMA_TYPE: Json = {"enum": ["JSON", "AVRO", "PROTOBUF", "PROMPT"], "default": "JSON"}
REFERENCES: Json = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"name": STRING, "subject": STRING, "version": INTEGER},
        "required": ["name", "subject", "version"],
    },
}
PROBLEMS: Json = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"path": STRING, "message": STRING},
        "required": ["path", "message"],
    },
}
SAMPLES_REPORT: Json = {
    "type": "object",
    "properties": {
        "checked": INTEGER,
        "rejected": INTEGER,
        "examples": {"type": "array", "items": {"type": "object"}},
    },
    "required": ["checked", "rejected", "examples"],
}


def shape(properties: Json, required: tuple[str, ...] = ()) -> Json:
    """An object schema: these properties, these required."""
    return {"type": "object", "properties": properties, "required": list(required)}


@dataclass(frozen=True)
class ToolSpec:
    """One tool as MCP lists it, and how it runs."""

    name: str
    title: str
    description: str
    input: Json
    output: Json
    run: Run
    read_only: bool = True
    destructive: bool = False

    def tool(self) -> types.Tool:
        return types.Tool(
            name=self.name,
            title=self.title,
            description=self.description,
            inputSchema=self.input,
            outputSchema=self.output,
            annotations=types.ToolAnnotations(
                title=self.title,
                readOnlyHint=self.read_only,
                destructiveHint=self.destructive,
                idempotentHint=True,  # registering the same schema again finds it
                openWorldHint=False,
            ),
        )


# ---- what each tool does -------------------------------------------------------------------


async def search_subjects(client: AsyncRegistryClient, args: Json) -> Json:
    found = await client.search_subjects(
        args.get("query"),
        prefix=args.get("prefix"),
        tag=args.get("tag"),
        owner=args.get("owner"),
        state=args.get("state"),
    )
    return {"subjects": found}


def schema_json(schema: RegisteredSchema) -> Json:
    found: Json = {
        "id": schema.id,
        "schemaType": schema.schema_type,
        "schema": schema.schema,
        "references": [
            {"name": r.name, "subject": r.subject, "version": r.version} for r in schema.references
        ],
    }
    optional = {
        "subject": schema.subject,
        "version": schema.version,
        "metadata": schema.metadata,
        "state": schema.state,
    }
    return found | {key: value for key, value in optional.items() if value is not None}


async def get_schema(client: AsyncRegistryClient, args: Json) -> Json:
    if args.get("id") is not None:
        return schema_json(await client.get_schema(int(args["id"])))
    if not args.get("subject"):
        raise ValueError("Give a subject (and version), or an id")
    return schema_json(await client.get_version(args["subject"], args.get("version", "latest")))


async def list_versions(client: AsyncRegistryClient, args: Json) -> Json:
    return {"subject": args["subject"], "versions": await client.versions(args["subject"])}


async def diff_versions(client: AsyncRegistryClient, args: Json) -> Json:
    found = await client.diff(args["subject"], args["version"], args["against"])
    return {"subject": args["subject"], "diff": found}


async def check_compatibility(client: AsyncRegistryClient, args: Json) -> Json:
    result = await client.check_compatibility(
        args["subject"],
        args["schema"],
        args.get("schemaType", "JSON"),
        args.get("version", "latest"),
        references=args.get("references"),
        samples=bool(args.get("samples", False)),
    )
    found: Json = {"is_compatible": result.is_compatible, "messages": result.messages}
    return found | ({"samples": result.samples} if result.samples is not None else {})


def outcome_json(outcome: ValidationOutcome) -> Json:
    found: Json = {
        "valid": outcome.valid,
        "errors": [{"path": e.path, "message": e.message} for e in outcome.errors],
        "warnings": [{"rule": w.rule, "message": w.message} for w in outcome.warnings],
    }
    if outcome.notes:
        found["notes"] = outcome.notes
    if outcome.extracted is not None:
        found["extracted"] = outcome.extracted
    if outcome.repair_prompt is not None:
        found["repair_prompt"] = outcome.repair_prompt
    return found


async def validate(client: AsyncRegistryClient, args: Json) -> Json:
    target = {
        "subject": args.get("subject"),
        "version": args.get("version", "latest"),
        "schema_id": args.get("id"),
    }
    if ("data" in args) == ("llm_output" in args):
        raise ValueError("Give exactly one of data (a record) or llm_output (raw model text)")
    if "llm_output" in args:
        return outcome_json(await client.check_output(args["llm_output"], **target))
    [outcome] = await client.validate_remote([args["data"]], **target)
    return outcome_json(outcome)


async def export_for_provider(client: AsyncRegistryClient, args: Json) -> Json:
    found = await client.export(
        args["subject"], args["target"], args.get("version", "latest"), bool(args.get("fix"))
    )
    return {"payload": found.payload, "findings": found.findings, "fixes": found.fixes}


async def register_schema(client: AsyncRegistryClient, args: Json) -> Json:
    kind = args.get("schemaType", "JSON")
    schema_id = await client.register(
        args["subject"],
        args["schema"],
        kind,
        references=args.get("references"),
        metadata=args.get("metadata"),
    )
    found = await client.lookup(
        args["subject"], args["schema"], kind, references=args.get("references")
    )
    return {"subject": args["subject"], "id": schema_id, "version": found.version}


async def deprecate_version(client: AsyncRegistryClient, args: Json) -> Json:
    found = await client.deprecate(
        args["subject"], args["version"], args["reason"], args["sunset_date"]
    )
    keys = ("subject", "version", "state", "sunset_date", "reason")
    return {key: found.get(key) for key in keys}


# ---- the table -------------------------------------------------------------------------------

_TARGET: Json = {"enum": [target.value for target in Target]}
_SUBJECT_ONLY = shape({"subject": STRING}, ("subject",))
_PROPOSED = {
    "subject": STRING,
    "schema": SCHEMA_TEXT,
    "schemaType": SCHEMA_TYPE,
    "references": REFERENCES,
}

TOOLS: tuple[ToolSpec, ...] = (
    ToolSpec(
        "search_subjects",
        "Search subjects",
        "Subjects whose name or description contains `query`, or by governance tag, owner, "
        "lifecycle state of their latest version, or name prefix (a glob).",
        shape({"query": STRING, "prefix": STRING, "tag": STRING, "owner": STRING, "state": STRING}),
        shape({"subjects": {"type": "array", "items": STRING}}, ("subjects",)),
        search_subjects,
    ),
    ToolSpec(
        "get_schema",
        "Get a schema",
        "A registered schema: a subject's version (latest by default), or a schema id.",
        shape({"subject": STRING, "version": VERSION, "id": INTEGER}),
        shape(
            {
                "id": INTEGER,
                "schemaType": STRING,
                "schema": STRING,
                "references": REFERENCES,
                "subject": STRING,
                "version": INTEGER,
                "metadata": {"type": "object"},
                "state": STRING,
            },
            ("id", "schemaType", "schema", "references"),
        ),
        get_schema,
    ),
    ToolSpec(
        "list_versions",
        "List versions",
        "The live version numbers of a subject.",
        _SUBJECT_ONLY,
        shape({"subject": STRING, "versions": {"type": "array", "items": INTEGER}}, ("versions",)),
        list_versions,
    ),
    ToolSpec(
        "diff_versions",
        "Diff two versions",
        "Every change from version `against` to `version` of a subject, each judged "
        "backward and forward, with a summary and the compatibility verdict.",
        shape(
            {"subject": STRING, "version": VERSION, "against": VERSION},
            ("subject", "version", "against"),
        ),
        shape({"subject": STRING, "diff": {"type": "object"}}, ("diff",)),
        diff_versions,
    ),
    ToolSpec(
        "check_compatibility",
        "Check compatibility",
        "Whether a proposed schema could be registered under a subject (its compatibility "
        "level and provider profiles), each reason listed; `samples: true` also replays the "
        "subject's stored samples against it.",
        shape(
            {**_PROPOSED, "version": VERSION, "samples": {"type": "boolean"}}, ("subject", "schema")
        ),
        shape(
            {
                "is_compatible": {"type": "boolean"},
                "messages": {"type": "array", "items": STRING},
                "samples": SAMPLES_REPORT,
            },
            ("is_compatible", "messages"),
        ),
        check_compatibility,
    ),
    ToolSpec(
        "validate",
        "Validate data or LLM output",
        "Check a record (`data`) or raw model text (`llm_output`: its JSON is extracted) "
        "against a registered schema (subject and version, or id): every error with its "
        "path, and for model text a repair prompt to send back when it is invalid.",
        shape(
            {
                "subject": STRING,
                "version": VERSION,
                "id": INTEGER,
                "data": {"description": "One record"},
                "llm_output": STRING,
            }
        ),
        shape(
            {
                "valid": {"type": "boolean"},
                "errors": PROBLEMS,
                "warnings": {"type": "array", "items": {"type": "object"}},
                "notes": {"type": "array", "items": STRING},
                "extracted": {},
                "repair_prompt": STRING,
            },
            ("valid", "errors", "warnings"),
        ),
        validate,
    ),
    ToolSpec(
        "export_for_provider",
        "Export for an LLM provider",
        "A registered JSON Schema as a provider's structured-output or tool payload, with "
        "what that provider would refuse (lint findings); `fix: true` applies safe fixes.",
        shape(
            {"subject": STRING, "version": VERSION, "target": _TARGET, "fix": {"type": "boolean"}},
            ("subject", "target"),
        ),
        shape(
            {
                "payload": {"type": "object"},
                "findings": {"type": "array", "items": {"type": "object"}},
                "fixes": {"type": "array", "items": {"type": "object"}},
            },
            ("payload", "findings", "fixes"),
        ),
        export_for_provider,
    ),
    ToolSpec(
        "register_schema",
        "Register a schema",
        "Register a schema as the next version of a subject (or find it, if registered); "
        "refused when incompatible, or when the caller's role may not register.",
        shape({**_PROPOSED, "metadata": {"type": "object"}}, ("subject", "schema")),
        shape({"subject": STRING, "id": INTEGER, "version": INTEGER}, ("subject", "id", "version")),
        register_schema,
        read_only=False,
    ),
    ToolSpec(
        "deprecate_version",
        "Deprecate a version",
        "Mark a subject's version DEPRECATED with a reason and a sunset date (ISO 8601, "
        "not in the past); refused when the caller's role may not.",
        shape(
            {"subject": STRING, "version": VERSION, "reason": STRING, "sunset_date": STRING},
            ("subject", "version", "reason", "sunset_date"),
        ),
        shape(
            {
                "subject": STRING,
                "version": INTEGER,
                "state": STRING,
                "sunset_date": {"type": ["string", "null"]},
                "reason": {"type": ["string", "null"]},
            },
            ("subject", "version", "state"),
        ),
        deprecate_version,
        read_only=False,
    ),
)

BY_NAME = {spec.name: spec for spec in TOOLS}
