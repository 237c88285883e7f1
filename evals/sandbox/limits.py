"""Resource limits of one sample: a control group caps the number of processes (a fork bomb stops there)
and the memory of everything the sandbox runs; the sample's writable files live on a size-capped tmpfs
(a full disk stays the sample's own problem).

Both need root (as the default overlay mode does). cgroup v1 (separate ``pids`` and ``memory`` hierarchies)
and v2 (one unified hierarchy) are supported; where neither can be written the limits are skipped and the
sandbox says so once.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

GROUP = "alloy-bench"
"""Parent control group of every sample's group."""


@dataclass(frozen=True)
class Limits:
    pids: int = 1024
    """Processes and threads (Node runs ~11 threads per process)."""
    memory_mb: int = 4096
    """Memory of all processes in the sandbox (not PostgreSQL, which runs outside it)."""
    disk_mb: int = 2048
    """Everything the sample writes: workspace changes, /tmp, /var/tmp and the database's changes. A tmpfs's
    pages count towards the memory of whoever wrote them, so this must stay well under ``memory_mb``."""

    def __post_init__(self) -> None:
        if self.disk_mb > self.memory_mb - 1024:
            raise ValueError(
                f"disk_mb ({self.disk_mb}) must be at least 1024 below memory_mb ({self.memory_mb}): files the "
                "sandbox writes count towards its memory, and a full disk must not starve its processes"
            )


@dataclass(frozen=True)
class _Hierarchy:
    """Where one limit is set: the hierarchy's mount point and the file names it uses."""

    root: Path
    limit_file: str
    v2: bool


def _mounts() -> list[tuple[str, str, list[str]]]:
    """(mount point, file-system type, super options) from /proc/self/mountinfo."""
    found = []
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/mountinfo").read_text().splitlines():
            left, _, right = line.partition(" - ")
            fields, tail = left.split(), right.split()
            if len(fields) >= 5 and len(tail) >= 3:
                found.append((fields[4], tail[0], tail[2].split(",")))
    return found


@functools.cache
def hierarchies() -> dict[str, _Hierarchy] | None:
    """``pids`` and ``memory`` hierarchies we may create groups in, or None (not root, or none writable)."""
    if os.geteuid() != 0:
        return None
    mounts = _mounts()
    v1 = {c: Path(point) for point, fstype, options in mounts if fstype == "cgroup" for c in options}
    if "pids" in v1 and "memory" in v1:
        found = {
            "pids": _Hierarchy(v1["pids"], "pids.max", False),
            "memory": _Hierarchy(v1["memory"], "memory.limit_in_bytes", False),
        }
    else:
        unified = next((Path(point) for point, fstype, _ in mounts if fstype == "cgroup2"), None)
        controllers = (unified / "cgroup.controllers") if unified else None
        if controllers is None or not {"pids", "memory"} <= set(_read(controllers).split()):
            return None
        found = {"pids": _Hierarchy(unified, "pids.max", True), "memory": _Hierarchy(unified, "memory.max", True)}
    try:
        for hierarchy in {h.root: h for h in found.values()}.values():
            parent = hierarchy.root / GROUP
            parent.mkdir(exist_ok=True)
            if hierarchy.v2:  # controllers must be enabled on the way down
                for group in (hierarchy.root, parent):
                    (group / "cgroup.subtree_control").write_text("+pids +memory")
    except OSError as error:
        logger.warning("alloy sandbox: no resource limits (control groups not writable: %s)", error)
        return None
    return found


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def create_groups(key: str, limits: Limits) -> list[str]:
    """Creates the sample's control groups with its limits; returns their directories (empty: no limits)."""
    found = hierarchies()
    if found is None:
        return []
    groups: dict[Path, Path] = {}
    try:
        for controller, hierarchy in found.items():
            group = groups.setdefault(hierarchy.root, hierarchy.root / GROUP / key)
            group.mkdir(exist_ok=True)
            value = limits.pids if controller == "pids" else limits.memory_mb * 2**20
            (group / hierarchy.limit_file).write_text(str(value))
            if controller == "memory" and hierarchy.v2:
                with contextlib.suppress(OSError):  # no swapping around the limit
                    (group / "memory.swap.max").write_text("0")
    except OSError:
        remove_groups([str(g) for g in groups.values()])
        raise
    return [str(g) for g in groups.values()]


def join_command(groups: list[str], argv: list[str]) -> list[str]:
    """``argv`` started inside ``groups``: a shell moves itself into each group, then becomes the command
    (so that nothing the command starts is ever outside them)."""
    if not groups:
        return argv
    script = 'while [ "$1" != -- ]; do echo $$ > "$1/cgroup.procs" || exit 97; shift; done; shift; exec "$@"'
    return ["/bin/sh", "-c", script, "alloy-limits", *groups, "--", *argv]


def group_pids(groups: list[str]) -> set[int]:
    pids: set[int] = set()
    for group in groups:
        pids |= {int(p) for p in _read(Path(group) / "cgroup.procs").split()}
    return pids


def remove_groups(groups: list[str]) -> None:
    """Kills whatever still runs in the groups, then removes them. Safe to repeat."""
    for _ in range(50):
        pids = group_pids(groups)
        if not pids:
            break
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.02)
    for group in groups:
        for _ in range(2):  # the kernel may need a moment after the last process died
            try:
                os.rmdir(group)
                break
            except FileNotFoundError:
                break
            except OSError:
                time.sleep(0.1)
