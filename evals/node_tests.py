"""Running node:test suites and reading their results per test (never by exit code alone)."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from evals.toolchain import node_env

REPORTER = Path(__file__).resolve().parent / "node" / "jsonl-reporter.mjs"


@dataclass(frozen=True)
class TestResult:
    """One test: ``id`` is ``<file relative to the app>::<suite> > <test>``."""

    id: str
    status: str  # pass | fail | skip | todo
    duration_ms: float | None = None
    error: str | None = None

    @property
    def passed(self) -> bool:
        return self.status == "pass"


@dataclass(frozen=True)
class TestRun:
    """All results of one run, plus what the runner printed (for evidence when nothing was parsed)."""

    results: tuple[TestResult, ...]
    returncode: int
    stderr: str

    def by_id(self) -> dict[str, TestResult]:
        return {result.id: result for result in self.results}

    @property
    def failed(self) -> list[TestResult]:
        return [result for result in self.results if result.status == "fail"]


def parse_results(stdout: str, app_dir: Path, nonce: str = "") -> list[TestResult]:
    """Parses the JSONL reporter's output; lines that are not records carrying ``nonce`` are ignored."""
    results = []
    for line in stdout.splitlines():
        if not line.startswith("{"):
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if not isinstance(record, dict) or "status" not in record or "name" not in record:
            continue
        if record.get("nonce", "") != nonce:
            continue
        file = record.get("file") or ""
        rel = os.path.relpath(file, app_dir) if file else "?"
        name = record["name"]
        # A file that could not load is reported as one failing "test" named after the file.
        test_id = rel if name == file else f"{rel}::{name}"
        results.append(TestResult(test_id, record["status"], record.get("duration_ms"), record.get("error")))
    return results


def run_node_tests(
    app_dir: Path,
    files: Sequence[str],
    env: Mapping[str, str],
    timeout: float = 600,
    concurrency: int = 1,
) -> TestRun:
    """Runs test files (paths relative to ``app_dir``) with tsx and the harness's JSONL reporter."""
    env_file = ["--env-file=.env"] if (app_dir / ".env").is_file() else []
    args = [
        "node",
        *env_file,
        "--import",
        "tsx",
        "--test",
        f"--test-concurrency={concurrency}",
        f"--test-reporter={REPORTER}",
        *files,
    ]
    nonce = secrets.token_hex(16)
    out = subprocess.run(
        args,
        cwd=app_dir,
        env=node_env({"NODE_ENV": "test", "ALLOY_NONCE_FROM_STDIN": "1", **env}),
        input=nonce + "\n",
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return TestRun(tuple(parse_results(out.stdout, app_dir, nonce)), out.returncode, out.stderr)
