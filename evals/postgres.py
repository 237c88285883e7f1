"""Throwaway PostgreSQL clusters started from the installed server binaries.

A cluster lives in one directory (data + Unix socket), listens on no TCP port, and is stopped with
``pg_ctl -m immediate``. When the harness runs as root, the server runs as an unprivileged system user
(PostgreSQL refuses to run as root).

Everybody connects as the ordinary role ``worker`` (login, may create databases, owns what it creates):
the bootstrap superuser exists but accepts no connection at all. A superuser can run programs and read
files as the server's account (``COPY ... TO PROGRAM``, ``pg_read_file``), which would let code in a
sandbox step outside it; ``worker`` can do neither.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from evals.errors import SetupError

_SERVER_BINARIES = ("initdb", "pg_ctl", "postgres")
ROLE = "worker"
"""The only role that may connect: not a superuser, may create databases (``CREATEDB``)."""
_HBA = f"# alloy-bench: only the ordinary role {ROLE!r} may connect, over the Unix socket.\nlocal all {ROLE} trust\n"
_INSTALL_HINT = (
    "Install the PostgreSQL server (Debian/Ubuntu: `sudo apt-get install postgresql`; "
    "macOS: `brew install postgresql@15`), or set ALLOY_PG_BINDIR to the directory that holds "
    "initdb, pg_ctl and postgres."
)


def find_bindir() -> Path:
    """Returns the directory holding initdb, pg_ctl and postgres, or raises SetupError."""
    candidates: list[Path] = []
    if env := os.environ.get("ALLOY_PG_BINDIR"):
        if not all((Path(env) / name).is_file() for name in _SERVER_BINARIES):
            raise SetupError(
                f"ALLOY_PG_BINDIR={env} does not hold initdb, pg_ctl and postgres; point it at PostgreSQL's bin "
                "directory (e.g. /usr/lib/postgresql/15/bin) or unset it"
            )
        return Path(env)
    if pg_config := shutil.which("pg_config"):
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        if out.returncode == 0:
            candidates.append(Path(out.stdout.strip()))
    candidates += sorted(
        (Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin")),
        key=lambda p: _version_key(p.parent.name),
        reverse=True,
    )
    if initdb := shutil.which("initdb"):
        candidates.append(Path(initdb).resolve().parent)
    for bindir in candidates:
        if all((bindir / name).is_file() for name in _SERVER_BINARIES):
            return bindir
    raise SetupError(f"PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found. {_INSTALL_HINT}")


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def server_uid() -> int:
    """The uid PostgreSQL runs as (ourselves unless we are root)."""
    user = _server_user()
    return user.pw_uid if user is not None else os.geteuid()


def _as_server_user(args: list[str]) -> list[str]:
    user = _server_user()
    if user is None:
        return args
    return ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups", *args]


def stop_data_dir(data_dir: Path, mode: str = "immediate") -> None:
    """Stops the server running on ``data_dir`` (no error when none runs)."""
    pg_ctl = find_bindir() / "pg_ctl"
    subprocess.run(_as_server_user([str(pg_ctl), "-D", str(data_dir), "-m", mode, "-w", "stop"]), capture_output=True)


def _server_user() -> pwd.struct_passwd | None:
    """The account the server runs as: None (ourselves) unless we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise SetupError("Running as root, but neither a 'postgres' nor a 'nobody' user exists to run PostgreSQL.")


@dataclass
class PostgresCluster:
    """A private PostgreSQL cluster in ``root`` (``root/data`` and socket directory ``root/run``).

    Use as a context manager, or call :meth:`start` and :meth:`stop`.
    """

    root: Path
    user: str = ROLE
    bindir: Path = field(default_factory=find_bindir)
    remove_on_stop: bool = False

    @classmethod
    def temporary(cls, prefix: str = "alloy-pg-") -> PostgresCluster:
        """A cluster in a fresh directory under the system temp dir, deleted when stopped.

        The directory sits directly in the temp dir so that the server's own account can reach it
        (pytest's and mkdtemp's nested 0700 directories would hide it when we run as root).
        """
        root = Path(tempfile.mkdtemp(prefix=prefix))
        return cls(root=root, remove_on_stop=True)

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "run"

    def url(self, database: str) -> str:
        """A libpq/node-postgres URL that reaches ``database`` over the Unix socket."""
        return f"postgresql://{self.user}@/{database}?host={self.socket_dir}"

    def _run(self, args: list[str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(_as_server_user(args), capture_output=True, text=True, check=False)

    def _chown(self, path: Path) -> None:
        user = _server_user()
        if user is not None:
            os.chown(path, user.pw_uid, user.pw_gid)

    def init(self) -> None:
        """Creates the data directory with the ``worker`` role and no superuser login (no-op when it exists)."""
        if (self.data_dir / "PG_VERSION").exists():
            return
        self.root.mkdir(parents=True, exist_ok=True)
        for path in (self.root, self.socket_dir):
            path.mkdir(exist_ok=True)
            self._chown(path)
        if len(str(self.socket_dir / ".s.PGSQL.5432")) > 107:
            raise SetupError(f"Socket path under {self.socket_dir} is longer than 107 bytes; use a shorter directory.")
        out = self._run(
            [
                str(self.bindir / "initdb"),
                "-D",
                str(self.data_dir),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ]
        )
        if out.returncode != 0:
            raise SetupError(f"initdb failed in {self.data_dir}:\n{out.stderr.strip() or out.stdout.strip()}")
        # Single-user mode: the role exists before the server ever accepts a connection.
        out = subprocess.run(
            _as_server_user([str(self.bindir / "postgres"), "--single", "-D", str(self.data_dir), "postgres"]),
            input=f"CREATE ROLE {ROLE} LOGIN CREATEDB NOSUPERUSER NOCREATEROLE NOREPLICATION NOBYPASSRLS;\n",
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode != 0:
            raise SetupError(f"could not create the role {ROLE!r} in {self.data_dir}:\n{out.stderr.strip()}")
        (self.data_dir / "pg_hba.conf").write_text(_HBA)

    def start(self) -> PostgresCluster:
        """Initialises if needed and starts the server; returns self."""
        self.init()
        options = (
            f"-k {self.socket_dir} -c listen_addresses= -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        out = self._run(
            [
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.data_dir),
                "-o",
                options,
                "-l",
                str(self.root / "server.log"),
                "-w",
                "-t",
                "30",
                "start",
            ]
        )
        if out.returncode != 0:
            log = (
                (self.root / "server.log").read_text(errors="replace")[-2000:]
                if (self.root / "server.log").exists()
                else ""
            )
            raise SetupError(f"PostgreSQL did not start in {self.data_dir}:\n{out.stderr.strip()}\n{log}")
        return self

    def stop(self, mode: str = "immediate") -> None:
        """Stops the server (immediately by default); safe to call when it is not running."""
        if (self.data_dir / "postmaster.pid").exists():
            stop_data_dir(self.data_dir, mode)
        if self.remove_on_stop:
            shutil.rmtree(self.root, ignore_errors=True)

    def create_database(self, name: str, template: str | None = None) -> str:
        """Creates a database (a copy of ``template`` when given: nobody may be connected to it) and returns
        its URL."""
        psql = self.bindir / "psql"
        out = subprocess.run(
            [
                str(psql if psql.exists() else "psql"),
                "-h",
                str(self.socket_dir),
                "-U",
                self.user,
                "-d",
                "postgres",
                "-v",
                "ON_ERROR_STOP=1",
                "-c",
                f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode != 0:
            raise SetupError(f"Could not create database {name!r}: {out.stderr.strip()}")
        return self.url(name)

    def __enter__(self) -> PostgresCluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
