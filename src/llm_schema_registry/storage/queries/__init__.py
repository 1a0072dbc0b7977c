"""The registry's transaction (`registry.store.Tx`) in portable SQL, one module per concern.

`tx.SqlTx` combines them; `storage.postgres.PostgresTx` replaces a few with PostgreSQL
fast paths.
"""
