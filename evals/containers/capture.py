"""The agent's change set from a container sandbox (``docker``, ``k8s``), through the sandbox API only.

Every process the agent left running is ended first (PostgreSQL and the container's main process stay, so
the container lives on), then the workspace (without node_modules, .git and dist, as in
:func:`scorers.changes.capture`) is archived inside the container, read out, unpacked into a temporary
directory on the host and compared with the prepared fixture by the very same :func:`~scorers.changes.capture`
the default sandbox uses: the same change set gives the same verdicts.
"""

from __future__ import annotations

import asyncio
import io
import tarfile
import tempfile
from pathlib import Path

from inspect_ai.util import SandboxEnvironment
from inspect_ai.util._sandbox.environment import SandboxUserUnsupportedError

from evals.errors import SetupError
from evals.fixture import PreparedFixture
from scorers.changes import EXCLUDED_TOP, ChangeSet, capture

WORKSPACE = "/workspace"
VERSION_FILE = "/opt/alloy/fixture-version"
ARCHIVE = "/var/lib/alloy/changes.tar"
_STOP_AGENT_PROCESSES = r"""
main=$(cat /var/lib/alloy/main.pid 2>/dev/null)
postmaster=$(head -1 /var/lib/alloy/pgdata/postmaster.pid 2>/dev/null)
keep="1 $main $postmaster"
pid=$$
while [ -n "$pid" ] && [ "$pid" != 0 ]; do  # this shell and whatever runs it (e.g. the sandbox's exec wrapper)
  keep="$keep $pid"
  pid=$(sed -n 's/^PPid:[[:space:]]*//p' "/proc/$pid/status" 2>/dev/null)
done
for dir in /proc/[0-9]*; do
  pid=${dir#/proc/}
  ppid=$(sed -n 's/^PPid:[[:space:]]*//p' "$dir/status" 2>/dev/null) || continue
  case " $keep " in *" $pid "*) continue ;; esac
  case " $$ $postmaster " in *" $ppid "*) continue ;; esac
  kill -9 "$pid" 2>/dev/null
done
exit 0
"""
_ARCHIVE_WORKSPACE = (
    f"cd {WORKSPACE} && find . -mindepth 1 -maxdepth 1 "
    + " ".join(f"! -name {name}" for name in sorted(EXCLUDED_TOP))
    + f" -print0 | tar --null --files-from=- -cf {ARCHIVE}"
)


async def _exec_privileged(environment: SandboxEnvironment, script: str) -> str:
    """Runs ``script`` as root when the sandbox allows it (to see and end every process), else as its user."""
    try:
        result = await environment.exec(["sh", "-c", script], user="root", timeout=120)
    except (SandboxUserUnsupportedError, PermissionError, NotImplementedError):  # e.g. a pod with runAsNonRoot
        result = await environment.exec(["sh", "-c", script], timeout=120)
    if not result.success:
        raise SetupError(
            f"capturing the agent's changes failed (exit {result.returncode}): {result.stderr.strip()[-1000:]}"
        )
    return result.stdout


def _unpack(archive: bytes, dest: Path) -> None:
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:") as tar:
        tar.extractall(dest, filter="tar")


async def capture_from_sandbox(environment: SandboxEnvironment, prepared: PreparedFixture) -> ChangeSet:
    """What the agent changed in a container's ``/workspace``, compared with ``prepared``'s app."""
    version = (await environment.read_file(VERSION_FILE)).strip()
    if version != prepared.version:
        raise SetupError(
            f"the sandbox image holds fixture version {version}, this checkout has {prepared.version}; "
            "rebuild the image (scripts/docker-engine.sh image)"
        )
    await _exec_privileged(environment, _STOP_AGENT_PROCESSES)
    await _exec_privileged(environment, _ARCHIVE_WORKSPACE)
    archive = await environment.read_file(ARCHIVE, text=False)
    with tempfile.TemporaryDirectory(prefix="alloy-capture-") as tmp:
        workspace = Path(tmp) / "workspace"
        workspace.mkdir()
        await asyncio.to_thread(_unpack, archive, workspace)
        return await asyncio.to_thread(capture, prepared.app_dir, workspace, prepared.version)
