"""The extraction components: each reads a ``Doc`` and adds its findings (``ingest.pipeline`` lists them in order)."""
