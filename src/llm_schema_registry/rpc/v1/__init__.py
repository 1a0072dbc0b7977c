"""Version 1 of the gRPC contract: `registry.proto` and its generated modules."""
