"""The live probes work on their own copy of the database: what a probe creates never reaches the database
the hidden tests run on at the same time."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

from evals.postgres import PostgresCluster
from evals.sandbox.golden import DATABASE
from evals.sandbox.provider import AlloySandboxConfig, prepared_templates
from evals.task_spec import TASKS_DIR, load_task
from scorers.corpus import changes_from_patch
from scorers.grading import apply_changes, push_schema
from scorers.probes import PROBE_DATABASE, base_routes, probe_database_url, run_probes


def _count(cluster: PostgresCluster, database: str, sql: str) -> int:
    psql = cluster.bindir / "psql"
    out = subprocess.run(
        [str(psql if psql.exists() else "psql"), "-h", str(cluster.socket_dir), "-U", cluster.user,
         "-d", database, "-tAc", sql],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return int(out.stdout.strip())


async def _probe_portfolio_images() -> tuple[int, int, dict]:
    config = AlloySandboxConfig()
    prepared, golden = await prepared_templates(config)
    spec = load_task(TASKS_DIR / "portfolio-images")
    changes = changes_from_patch(spec.solution_patch.read_text(), prepared.app_dir, prepared.version)
    instance = await config.start_instance(prepared, golden)
    try:
        await asyncio.to_thread(instance.postgres.create_database, PROBE_DATABASE, DATABASE)
        await apply_changes(instance, changes)
        assert (await push_schema(instance))[0]
        assert (await push_schema(instance, probe_database_url()))[0]
        base = await asyncio.to_thread(base_routes, prepared)
        report = await run_probes(instance, spec, base, [], database_url=probe_database_url())
        count = "SELECT count(*) FROM portfolio_images"
        return (
            _count(instance.postgres, DATABASE, count),
            _count(instance.postgres, PROBE_DATABASE, count),
            report.probes,
        )
    finally:
        await instance.close()


def test_probe_writes_stay_in_the_probe_database(tmp_path: Path) -> None:
    in_app_db, in_probe_db, probes = asyncio.run(_probe_portfolio_images())
    created = probes["POST /api/admin/portfolio/:id/images"]["valid"]
    assert created["status"] == 201, created
    assert (in_app_db, in_probe_db) == (0, 1)
