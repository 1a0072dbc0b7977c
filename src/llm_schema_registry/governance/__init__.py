"""Governance: version lifecycle, consumers, metadata search, diffs and semver.

Pure domain logic (no HTTP, no SQL); `governance.service.GovernanceService` drives it over a
`registry.store.Store`.
"""
