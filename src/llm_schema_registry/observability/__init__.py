"""Logs, metrics and traces: what an operator sees of a running registry."""
