"""Names of the scripted agents (kept apart so the command line can list them without importing Inspect)."""

from evals.agents.attacks import AGENT_NAMES as ATTACKS

SLOPPY = ("sloppy-preflight", "sloppy-message", "sloppy-deps")
TOOL_TIMEOUT = 300
"""Seconds one bash or editor call may take before everything it started is killed."""
AGENTS = ("oracle", "noop", "replay", *SLOPPY, *ATTACKS)
