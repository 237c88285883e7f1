"""Imported by Inspect through the ``inspect_ai`` entry point: registers the ``alloy`` sandbox and the
``scripted`` model provider (so ``--model scripted/oracle`` resolves before any task file is loaded)."""

from evals.agents.scripted import ScriptedAgentAPI  # noqa: F401
from evals.sandbox.provider import AlloySandboxEnvironment  # noqa: F401
