"""LLM-provider domain logic: provider exports with strictness lint and safe fixes, and the
extraction of JSON from raw model replies. Pure Python: no HTTP, no SQL."""
