"""The bubblewrap command that confines a sample: a fresh user, PID, network (loopback only), IPC and UTS
namespace; read-only system directories; the sample's workspace, /tmp and /var/tmp writable; its
PostgreSQL socket directory; nothing of the harness (tasks, hidden tests, solutions, its environment)."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from pathlib import Path

from evals.errors import SetupError
from evals.postgres import ROLE

WORKSPACE = "/workspace"
PG_SOCKET = "/run/pg"
EXEC_SERVER = "/opt/alloy/exec-server.mjs"
FD_PLACEHOLDER = "{channel_fd}"
"""Replaced by the number of the inherited socket when the session starts."""
_EXEC_SERVER_SOURCE = Path(__file__).with_name("exec-server.mjs")

_BWRAP_HINT = "Install bubblewrap (Debian/Ubuntu: `sudo apt-get install bubblewrap`; Fedora: `dnf install bubblewrap`)."
_DOCKER_HINT = "Or run the benchmark in the Docker sandbox (`--sandbox docker`), which needs no user namespaces."


@functools.cache
def bwrap_binary() -> str:
    path = shutil.which("bwrap")
    if path is None:
        raise SetupError(f"bubblewrap (bwrap) was not found on PATH. {_BWRAP_HINT}")
    return path


@functools.cache
def check_user_namespaces() -> None:
    """Raises SetupError when bwrap cannot create a user namespace for us (copy mode, non-root)."""
    out = subprocess.run(
        [bwrap_binary(), "--unshare-user", "--ro-bind", "/", "/", "true"], capture_output=True, text=True
    )
    if out.returncode != 0:
        raise SetupError(
            "bubblewrap cannot create an unprivileged user namespace here "
            f"({out.stderr.strip()}). Run as root, or allow user namespaces "
            "(`sysctl kernel.unprivileged_userns_clone=1` / `user.max_user_namespaces`). " + _DOCKER_HINT
        )


def install_exec_server(run_root: Path) -> Path:
    """Copies the exec server where the sandbox's user can read it (the package may sit in a private home)."""
    target = run_root / ".alloy" / "exec-server.mjs"
    source = _EXEC_SERVER_SOURCE.read_bytes()
    if not target.exists() or target.read_bytes() != source:
        target.parent.mkdir(mode=0o755, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(source)
        os.chmod(tmp, 0o644)
        tmp.replace(target)
    return target


@functools.cache
def node_prefix() -> Path | None:
    """Node's install prefix when it lies outside /usr (e.g. nvm), so that it can be bound read-only."""
    node = shutil.which("node")
    if node is None:
        raise SetupError("node was not found on PATH; install Node.js 20.12+.")
    prefix = Path(node).resolve().parent.parent
    return None if prefix == Path("/usr") or Path("/usr") in prefix.parents else prefix


def sandbox_env(database: str) -> dict[str, str]:
    """The environment every command in the sandbox starts with."""
    prefix = node_prefix()
    return {
        "PATH": (f"{prefix}/bin:" if prefix else "") + "/usr/local/bin:/usr/bin:/bin",
        "HOME": "/tmp",
        "USER": "worker",
        "LANG": "C.UTF-8",
        "TERM": "dumb",
        "PGHOST": PG_SOCKET,
        "PGUSER": ROLE,
        "PGDATABASE": database,
        "DATABASE_URL": f"postgresql://{ROLE}@/{database}?host={PG_SOCKET}",
        # Without a network npm would wait ~70 s per request before failing.
        "npm_config_fetch_retries": "0",
        "npm_config_fetch_timeout": "5000",
        "npm_config_update_notifier": "false",
        "npm_config_audit": "false",
        "npm_config_fund": "false",
    }


def bwrap_argv(
    *,
    workspace: Path,
    tmp: Path,
    var_tmp: Path,
    pg_socket: Path,
    exec_server: Path,
    env: dict[str, str],
    uid: int | None,
) -> list[str]:
    """The command that starts the exec server confined; ``uid`` is set when we start as root."""
    argv: list[str] = []
    if uid is not None:
        argv += ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups"]
    argv += [bwrap_binary(), "--ro-bind", "/usr", "/usr"]
    for name in ("lib", "lib64", "bin", "sbin"):
        if os.path.islink(f"/{name}"):
            argv += ["--symlink", os.readlink(f"/{name}"), f"/{name}"]
        elif os.path.isdir(f"/{name}"):
            argv += ["--ro-bind", f"/{name}", f"/{name}"]
    argv += [
        *(["--ro-bind", str(node_prefix()), str(node_prefix())] if node_prefix() else []),
        "--ro-bind", "/etc", "/etc",
        "--proc", "/proc",
        "--dev", "/dev",
        "--bind", str(tmp), "/tmp",
        "--bind", str(var_tmp), "/var/tmp",
        "--bind", str(workspace), WORKSPACE,
        "--ro-bind", str(pg_socket), PG_SOCKET,
        "--ro-bind", str(exec_server), EXEC_SERVER,
        "--remount-ro", "/",
        "--unshare-all",
        "--hostname", "alloy",
        "--die-with-parent",
        "--new-session",
        "--clearenv",
    ]  # fmt: skip
    for key, value in env.items():
        argv += ["--setenv", key, value]
    argv += ["--chdir", WORKSPACE, "node", EXEC_SERVER, FD_PLACEHOLDER]
    return argv
