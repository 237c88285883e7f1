"""Shared fixtures: one prepared AlloyWebSite fixture and one throwaway PostgreSQL cluster per session.

The suite's sandboxes live in a run directory of their own (``ALLOY_BENCH_RUNDIR``, set before anything
imports the sandbox code), so that the checks for leftover sandboxes and mounts see only this run's, even when
another run uses alloy-bench on the same machine.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("ALLOY_BENCH_RUNDIR", f"/tmp/abt-{os.getpid()}")

from evals.fixture import PreparedFixture, copy_workspace, prepare_fixture, run_npm_script
from evals.postgres import PostgresCluster


@pytest.fixture(scope="session")
def prepared() -> PreparedFixture:
    """The fixture at its base commit with node_modules installed (cached across runs)."""
    return prepare_fixture()


@pytest.fixture(scope="session")
def pg() -> Iterator[PostgresCluster]:
    with PostgresCluster.temporary() as cluster:
        yield cluster


@pytest.fixture(scope="session")
def workspace(prepared: PreparedFixture, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the prepared fixture that tests may change (never the cached template)."""
    return copy_workspace(prepared, tmp_path_factory.mktemp("ws") / "app")


@pytest.fixture(scope="session")
def seeded_db(pg: PostgresCluster, workspace: Path) -> str:
    """A database with the fixture's schema pushed and seed data loaded; returns its URL."""
    url = pg.create_database("alloy_fixture")
    for script in ("db:push", "db:seed"):
        out = run_npm_script(workspace, script, {"DATABASE_URL": url})
        assert out.returncode == 0, f"npm run {script} failed:\n{out.stdout}\n{out.stderr}"
    return url


@pytest.fixture(scope="session", autouse=True)
def _private_run_dir() -> Iterator[None]:
    yield
    run_dir = Path(os.environ["ALLOY_BENCH_RUNDIR"])
    if run_dir.is_dir() and all(p.name.startswith(".") for p in run_dir.iterdir()):
        shutil.rmtree(run_dir)  # only the shared exec server is left: no sample directory, nothing mounted


@pytest.fixture(scope="session")
def docker_engine(prepared: PreparedFixture) -> None:
    """Skips (or fails, with ALLOY_REQUIRE_DOCKER=1) when no Docker engine or no up-to-date alloy-bench image
    is there (``scripts/docker-engine.sh start``; ``eval "$(scripts/docker-engine.sh env)"``)."""
    from evals.containers.image import check_image, engine_version
    from evals.errors import SetupError

    reason = None
    if engine_version() is None:
        reason = 'no Docker engine reachable (scripts/docker-engine.sh start; eval "$(scripts/docker-engine.sh env)")'
    else:
        try:
            check_image(prepared)
        except SetupError as error:
            reason = str(error)
    if reason:
        if os.environ.get("ALLOY_REQUIRE_DOCKER") == "1":
            pytest.fail(f"ALLOY_REQUIRE_DOCKER=1: {reason}")
        pytest.skip(reason)
