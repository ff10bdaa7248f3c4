"""Domain records: evidence, programmes, candidates and regions (pydantic, no I/O)."""
