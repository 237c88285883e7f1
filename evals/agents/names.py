"""Names of the scripted agents (kept apart so the command line can list them without importing Inspect)."""

SLOPPY = ("sloppy-preflight", "sloppy-message", "sloppy-deps")
AGENTS = ("oracle", "noop", "replay", *SLOPPY)
