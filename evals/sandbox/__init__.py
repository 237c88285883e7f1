"""The ``alloy`` sandbox: per sample, an isolated copy of the prepared fixture and a private PostgreSQL."""
