"""Per fixture version, once: the app template owned by the sandbox user, and a golden PostgreSQL data
directory with the schema pushed and the seed loaded (every sample's database starts as a copy of it)."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from evals.errors import SetupError
from evals.fixture import PreparedFixture, run_npm_script
from evals.postgres import PostgresCluster, server_uid

DATABASE = "alloy_dev"


def _owner(path: Path) -> int:
    return path.stat().st_uid


def ensure_template_owner(prepared: PreparedFixture, uid: int) -> None:
    """Gives the prepared app to the sandbox user, so that the agent can change files through an overlay."""
    if os.geteuid() != 0 or _owner(prepared.app_dir) == uid:
        return
    with open(prepared.root / "owner.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _owner(prepared.app_dir) != uid:
            subprocess.run(["chown", "-R", f"{uid}:{uid}", str(prepared.app_dir)], check=True)


def golden_pgdata(prepared: PreparedFixture) -> Path:
    """The golden data directory for this fixture version, built on first use (schema + seed)."""
    # v2: owned by the ordinary role "worker", no superuser login (see evals.postgres).
    target = prepared.root / "pgdata-v2"
    marker = prepared.root / ".pgdata-v2-complete"
    if marker.exists():
        return target
    with open(prepared.root / "pgdata.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if marker.exists():
            return target
        # Build where the server's own account can reach (the cache may sit in a private home).
        cluster = PostgresCluster(root=Path(tempfile.mkdtemp(prefix="alloy-golden-")))
        os.chmod(cluster.root, 0o755)
        try:
            with cluster:
                url = cluster.create_database(DATABASE)
                for script in ("db:push", "db:seed"):
                    out = run_npm_script(prepared.app_dir, script, {"DATABASE_URL": url})
                    if out.returncode != 0:
                        raise SetupError(
                            f"building the golden database: npm run {script} failed:\n{out.stderr[-3000:]}"
                        )
                cluster.stop(mode="fast")
            shutil.rmtree(target, ignore_errors=True)
            shutil.move(str(cluster.data_dir), str(target))
            for stale in ("postmaster.pid", "postmaster.opts"):
                (target / stale).unlink(missing_ok=True)
            if _owner(target) != server_uid() and os.geteuid() == 0:
                subprocess.run(["chown", "-R", f"{server_uid()}:{server_uid()}", str(target)], check=True)
            marker.write_text("ok\n")
        finally:
            shutil.rmtree(cluster.root, ignore_errors=True)
    return target
