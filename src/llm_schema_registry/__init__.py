"""LLM Schema Registry: a Confluent-compatible schema registry for LLM platforms."""

__version__ = "0.1.0"
