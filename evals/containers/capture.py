"""The agent's change set from a container sandbox (``docker``, ``k8s``), through the sandbox API.

Every process the agent left running is ended first (PostgreSQL and the container's main process stay, so
the container lives on; in the docker sandbox the image's root supervisor does it on a signal sent with the
docker CLI, since a fork bomb can leave no room to start a command), then the workspace (without
node_modules, .git and dist, as in :func:`scorers.changes.capture`) is archived inside the container, read
out, unpacked into a temporary directory on the host and compared with the prepared fixture by the very same
:func:`~scorers.changes.capture` the default sandbox uses: the same change set gives the same verdicts.
``node_modules`` is compared inside the container with the image's own listing of it.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import tarfile
import tempfile
import time
from pathlib import Path

from inspect_ai.util import SandboxEnvironment
from inspect_ai.util._sandbox.environment import SandboxUserUnsupportedError

from evals.containers.image import docker
from evals.errors import SetupError
from evals.fixture import PreparedFixture
from scorers.changes import EXCLUDED_TOP, ChangeSet, capture, installed_diff

WORKSPACE = "/workspace"
VERSION_FILE = "/opt/alloy/fixture-version"
ENTRYPOINT = "/opt/alloy/entrypoint.sh"
ARCHIVE = "/var/lib/alloy/changes.tar"
NODE_MODULES_BEFORE = "/opt/alloy/node_modules.list"
"""What ``node_modules`` held in the image (written at build time)."""
NODE_MODULES_AFTER = "/var/lib/alloy/node_modules.list"
STOPS_FILE = "/var/lib/alloy/agent-stopped"
"""How many times the image's supervisor has ended the agent's processes (absent: no supervisor)."""
STOP_TIMEOUT = 60
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
    + f" && if [ -f {NODE_MODULES_BEFORE} ]; then {ENTRYPOINT} list-node-modules >{NODE_MODULES_AFTER}; fi"
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
    await _stop_agent_from_outside(environment)
    await _exec_privileged(environment, _STOP_AGENT_PROCESSES)
    await _exec_privileged(environment, _ARCHIVE_WORKSPACE)
    archive = await environment.read_file(ARCHIVE, text=False)
    installed = None
    with contextlib.suppress(FileNotFoundError):  # an image from before the listing: compare on the host
        before = await environment.read_file(NODE_MODULES_BEFORE, text=False)
        after = await environment.read_file(NODE_MODULES_AFTER, text=False)
        installed = installed_diff(_listing(before), _listing(after))
    with tempfile.TemporaryDirectory(prefix="alloy-capture-") as tmp:
        workspace = Path(tmp) / "workspace"
        workspace.mkdir()
        await asyncio.to_thread(_unpack, archive, workspace)
        return await asyncio.to_thread(capture, prepared.app_dir, workspace, prepared.version, installed)


def _listing(data: bytes) -> dict[str, object]:
    """The output of ``entrypoint.sh list-node-modules`` -> path -> signature (nothing for a directory)."""
    found: dict[str, object] = {}
    for record in data.decode(errors="surrogateescape").split("\0"):
        if record:
            kind, size, mtime, rel = record.split(" ", 3)
            found[f"node_modules/{rel}"] = (kind, 0, "") if kind == "d" else (kind, int(size), mtime)
    return found


async def _stop_agent_from_outside(environment: SandboxEnvironment) -> None:
    """In a docker container whose main process is the image's supervisor (it runs as root): SIGUSR1 makes it
    end every process of the agent with shell builtins, before anything is run in the container: an agent's
    fork bomb may hold every free process slot, so that no command could start there."""
    try:
        stops = int((await environment.read_file(STOPS_FILE)).strip())
        connection = await environment.connection()
    except (FileNotFoundError, ValueError, NotImplementedError, ConnectionError):
        return  # not our supervisor (an ordinary user's container, another image), or not a docker container
    if connection.type != "docker" or not connection.container:
        return
    out = await asyncio.to_thread(docker, ["kill", "--signal", "USR1", connection.container], timeout=60)
    if out.returncode != 0:
        raise SetupError(f"could not signal the sandbox's supervisor: {out.stderr.strip()[-500:]}")
    deadline = time.monotonic() + STOP_TIMEOUT
    while int((await environment.read_file(STOPS_FILE)).strip() or 0) <= stops:
        if time.monotonic() > deadline:
            raise SetupError(f"the sandbox's supervisor did not end the agent's processes in {STOP_TIMEOUT} s")
        await asyncio.sleep(0.2)
