"""Node.js and npm: finding them, checking their versions, and the environment to run them in."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from collections.abc import Mapping

from evals.errors import SetupError

MIN_NODE = (20, 12)
_NODE_HINT = (
    "Install Node.js 20.12 or newer with npm (e.g. from https://nodejs.org or NodeSource's Debian packages; "
    "Debian 12's own `nodejs` package is too old) and make sure `node` and `npm` are on PATH."
)


@functools.cache
def require_node() -> tuple[int, ...]:
    """Returns Node's version, or raises SetupError when node/npm are missing or too old."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        missing = " and ".join(name for name, path in (("node", node), ("npm", npm)) if path is None)
        raise SetupError(f"{missing} not found on PATH. {_NODE_HINT}")
    out = subprocess.run([node, "--version"], capture_output=True, text=True, check=False)
    try:
        version = tuple(int(part) for part in out.stdout.strip().lstrip("v").split("."))
    except ValueError as error:
        raise SetupError(f"Could not read Node's version from {out.stdout!r}. {_NODE_HINT}") from error
    if version[:2] < MIN_NODE:
        raise SetupError(
            f"Node {out.stdout.strip()} is too old; the fixture needs {MIN_NODE[0]}.{MIN_NODE[1]}+. {_NODE_HINT}"
        )
    return version


def node_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for node/npm subprocesses: ours, quiet npm, plus ``extra``."""
    env = dict(os.environ)
    env.update(
        npm_config_update_notifier="false",
        npm_config_fund="false",
        npm_config_audit="false",
        NO_COLOR="1",
    )
    env.update(extra or {})
    return env
