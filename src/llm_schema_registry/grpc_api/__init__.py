"""The gRPC edge: `llm_schema_registry.v1.SchemaRegistry` (contract in `rpc/`), served by the
registry process beside REST, in the same event loop and over the same services, caches and
security (docs/grpc.md). Named `grpc_api` so it never shadows the `grpc` library."""
