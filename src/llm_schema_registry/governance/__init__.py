"""Governance: lifecycle transitions, consumers, metadata search, diffs and semver.

Pure domain logic (no HTTP, no SQL) above the registry: `governance.service.GovernanceService`
moves versions between the states `registry.versions` defines and asks the `RegistryService`
which versions a reader sees, never deciding that itself.
"""
