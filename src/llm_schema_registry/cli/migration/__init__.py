"""`llm-schema import`: moving a Confluent-compatible registry (live, or its `_schemas` dump)
into this one with its ids, versions, configs and modes (docs/migration.md).

One idea per module: `model` (what a registry holds, as read over REST or replayed from a
dump), `source` (reading any Confluent-compatible registry), `dump` (replaying `_schemas`),
`identity` (when two schemas are the same), `planner` (order and conflicts), `writer`
(applying a plan in IMPORT mode), `verifier` (comparing both sides), `command` (the CLI).
"""
