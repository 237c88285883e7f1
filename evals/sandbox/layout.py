"""Per-sample directories on the host: the agent's workspace (an overlay of the prepared app, or a copy),
its /tmp and /var/tmp, and its private PostgreSQL data directory (an overlay of the golden one, or a copy).

Everything of a sample lives in one directory under the run root; a ``state.json`` there records what
was mounted and started, so that a crashed run can be cleaned up later (``inspect sandbox cleanup alloy``).
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import glob
import json
import os
import secrets
import shutil
import subprocess
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from evals.errors import SetupError

Mode = Literal["overlay", "copy"]


def run_root() -> Path:
    """Where sample directories live: short (socket paths) and reachable by the sandbox's user."""
    root = Path(os.environ.get("ALLOY_BENCH_RUNDIR") or Path(tempfile.gettempdir()) / f"alloy-bench-{os.geteuid()}")
    root.mkdir(mode=0o755, parents=True, exist_ok=True)
    os.chmod(root, 0o755)
    return root


def default_mode() -> Mode:
    return "overlay" if os.geteuid() == 0 else "copy"


@dataclass
class SampleState:
    """What a sample directory holds; written to ``state.json`` before anything is started."""

    key: str
    mode: Mode
    owner_pid: int
    mounts: list[str] = field(default_factory=list)
    session_pid: int | None = None
    pg_data: str | None = None
    cgroups: list[str] = field(default_factory=list)


class SampleDir:
    """One sample's directories. Create with :meth:`create`, tear down with :meth:`teardown`."""

    def __init__(self, path: Path, state: SampleState) -> None:
        self.path = path
        self.state = state

    # ---- layout -------------------------------------------------------------------

    @property
    def workspace(self) -> Path:
        return self.path / "workspace"

    @property
    def rw(self) -> Path:
        """Everything the sample writes (overlay mode: a tmpfs capped at the disk limit)."""
        return self.path / "rw"

    @property
    def tmp(self) -> Path:
        return self.rw / "tmp"

    @property
    def var_tmp(self) -> Path:
        return self.rw / "vartmp"

    @property
    def pg_root(self) -> Path:
        return self.path / "pg"

    @property
    def pg_data(self) -> Path:
        return self.pg_root / "data"

    @property
    def pg_socket(self) -> Path:
        return self.pg_root / "run"

    def save(self) -> None:
        tmp = self.path / "state.json.tmp"
        tmp.write_text(json.dumps(asdict(self.state)))
        tmp.replace(self.path / "state.json")

    # ---- creation -----------------------------------------------------------------

    @classmethod
    def create(
        cls,
        app_template: Path,
        pg_template: Path,
        uid: int,
        pg_uid: int,
        mode: Mode,
        root: Path | None = None,
        disk_mb: int | None = None,
    ) -> SampleDir:
        """Makes the workspace and data directory for one sample (mounted or copied); in overlay mode all
        writes land on a tmpfs of ``disk_mb``."""
        root = root or run_root()
        _teardown_at_exit(root)
        key = secrets.token_hex(4)
        path = root / key
        path.mkdir(mode=0o755)
        sample = cls(path, SampleState(key=key, mode=mode, owner_pid=os.getpid()))
        sample.save()
        try:
            sample.rw.mkdir(mode=0o755)
            if mode == "overlay" and disk_mb:
                sample._mount(["-t", "tmpfs", "-o", f"size={disk_mb}m,mode=0755", "tmpfs"], sample.rw)
            for directory in (sample.tmp, sample.var_tmp):
                directory.mkdir(mode=0o755)
                _chown(directory, uid)
            for directory in (sample.pg_root, sample.pg_socket):
                directory.mkdir(mode=0o755)
                _chown(directory, pg_uid)
            if mode == "overlay":
                sample._overlay(app_template, sample.workspace, "ws", uid, 0o755)
                sample._overlay(pg_template, sample.pg_data, "pgd", pg_uid, 0o700)
            else:
                _copy_tree(app_template, sample.workspace)
                _copy_tree(pg_template, sample.pg_data)
                os.chmod(sample.pg_data, 0o700)
            sample.state.pg_data = str(sample.pg_data)
            sample.save()
        except BaseException:
            sample.teardown()
            raise
        return sample

    def _overlay(self, lower: Path, merged: Path, name: str, owner: int, mode: int) -> None:
        upper, work = self.rw / f"{name}-upper", self.rw / f"{name}-work"
        for directory in (upper, work, merged):
            directory.mkdir()
        os.chmod(upper, mode)
        _chown(upper, owner)
        options = f"lowerdir={lower},upperdir={upper},workdir={work}"
        self._mount(["-t", "overlay", "-o", options, "overlay"], merged)

    def _mount(self, args: list[str], target: Path) -> None:
        out = subprocess.run(["mount", *args, str(target)], capture_output=True, text=True)
        if out.returncode != 0:
            raise SetupError(
                f"mount {' '.join(args[:2])} failed ({out.stderr.strip()}); overlays need root. "
                "Run as root, or use the copy mode (sandbox config mode: copy)."
            )
        self.state.mounts.append(str(target))
        self.save()

    # ---- teardown -----------------------------------------------------------------

    def teardown(self) -> None:
        """Kills what runs in the sample, unmounts, and deletes the directory. Safe to repeat."""
        teardown_path(self.path)


def _chown(path: Path, uid: int) -> None:
    if os.geteuid() == 0:
        os.chown(path, uid, uid)


def _copy_tree(source: Path, dest: Path) -> None:
    out = subprocess.run(["cp", "-a", str(source), str(dest)], capture_output=True, text=True)
    if out.returncode != 0:
        raise SetupError(f"could not copy {source} to {dest}: {out.stderr.strip()}")


def process_running(pid: int | None) -> bool:
    """Alive and not a zombie (PID 1 in some containers never reaps orphans)."""
    if not pid:
        return False
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return "\nState:\tZ" not in status


def teardown_path(path: Path) -> None:
    """Cleans one sample directory from its ``state.json`` (processes, PostgreSQL, mounts, files)."""
    from evals.postgres import stop_data_dir
    from evals.sandbox.limits import remove_groups

    try:
        state = SampleState(**json.loads((path / "state.json").read_text()))
    except (OSError, ValueError, TypeError):
        state = None
    if state is not None:
        if state.session_pid and process_running(state.session_pid):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(state.session_pid, 9)
        remove_groups(state.cgroups)
        if state.pg_data and Path(state.pg_data, "postmaster.pid").exists():
            stop_data_dir(Path(state.pg_data))
        for mount in reversed(state.mounts):
            subprocess.run(["umount", mount], capture_output=True)
            if os.path.ismount(mount):
                subprocess.run(["umount", "-l", mount], capture_output=True)
    shutil.rmtree(path, ignore_errors=True)


@functools.cache
def _teardown_at_exit(root: Path) -> None:
    """At interpreter exit (also after Ctrl-C), tears down the sample directories this process still owns:
    a cancelled grading step, for one, is not in Inspect's sandbox lifecycle. (After a hard kill, the next
    run's ``task_init`` sweeps them, or ``inspect sandbox cleanup alloy``.)"""
    pid = os.getpid()

    def teardown_own() -> None:
        for path in sorted(root.iterdir()) if root.is_dir() else []:
            if _owner_pid(path) == pid:
                teardown_path(path)

    atexit.register(teardown_own)


def stale_samples(root: Path | None = None, key: str | None = None) -> list[Path]:
    """Sample directories whose owning process is gone (or the one named ``key``)."""
    root = root or run_root()
    found = []
    for path in sorted(root.iterdir()) if root.is_dir() else []:
        if key is not None:
            if path.name == key:
                found.append(path)
            continue
        if not process_running(_owner_pid(path)):
            found.append(path)
    return found


def _owner_pid(path: Path) -> int | None:
    """The process that made the sample directory ``path`` (from its ``state.json``), or None."""
    try:
        return json.loads((path / "state.json").read_text()).get("owner_pid")
    except (OSError, ValueError):
        return None


def census(root: Path | None = None, marker: str | None = None) -> dict[str, set[str]]:
    """What alloy sandboxes hold on this machine right now, for leak checks: mounts and sample directories
    under ``root``, processes whose command line names ``root`` (or ``marker``), and control groups whose
    sample directory is gone from every run directory."""
    from evals.sandbox.limits import GROUP, hierarchies

    root = root or run_root()
    mounts = {line.split()[1] for line in Path("/proc/mounts").read_text().splitlines() if str(root) in line}
    samples = {p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")} if root.is_dir() else set()
    processes = set()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if str(root) in cmdline or (marker and marker in cmdline):
            processes.add(f"{proc.name} {cmdline[:160]}")
    groups = set()
    run_dirs = [root, *map(Path, glob.glob("/tmp/*/"))]
    for hierarchy in (hierarchies() or {}).values():
        parent = hierarchy.root / GROUP
        for group in parent.iterdir() if parent.is_dir() else []:
            if group.is_dir() and not any((d / group.name).exists() for d in run_dirs):
                groups.add(str(group))
    return {"mounts": mounts, "samples": samples, "processes": processes, "groups": groups}
