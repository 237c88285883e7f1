"""Errors the harness reports to users as one clear message (what is wrong, how to fix it)."""


class SetupError(RuntimeError):
    """A missing or broken prerequisite: PostgreSQL, Node, npm, the fixture, a task file."""
