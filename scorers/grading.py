"""The grading run: a fresh sandbox (never the agent's), the fixture plus the agent's changes, the task's
hidden tests, the agent's schema pushed to a fresh copy of the golden database, and the tests run with the
harness's own command and the fixture's own ``node_modules``, ``tests/`` helpers and ``.env``."""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from evals.node_tests import REPORTER, TestRun, parse_results
from evals.sandbox.bwrap import WORKSPACE
from evals.sandbox.instance import Instance
from evals.task_spec import HIDDEN_TESTS_DIR, TaskSpec
from scorers.changes import ChangeSet

TESTS_DIR = "tests/"
NOT_REPLAYED = (TESTS_DIR, ".env")
"""Changes the grader ignores: the test helpers and environment are the fixture's, not the agent's."""
REPORTER_PATH = "/tmp/.alloy-grading/reporter.mjs"
PUSH_TIMEOUT = 120
SCHEMA_FILE = "shared/schema.ts"
T = TypeVar("T")
TEST_TIMEOUT = 600
TEST_CONCURRENCY = 2
"""Test files run two at a time: they share a database but each creates its own rows."""


@dataclass
class GradingRun:
    tests: TestRun
    schema_push: str
    schema_push_ok: bool
    seconds: dict[str, float] = field(default_factory=dict)


def tampering(changes: ChangeSet, template: Path) -> list[str]:
    """What the agent did to the test machinery. None of it reaches grading (the grader uses the fixture's
    tests, packages and its own command), but a benchmark should say when an agent tried."""
    found = [
        f"{change.path}: test file {change.status} (the grader uses the fixture's tests)"
        for change in changes.changes
        if change.path.startswith(TESTS_DIR)
    ]
    found += [f"{path}: package changed in place (the grader uses the fixture's)" for path in changes.installed]
    package = changes.get("package.json")
    if package is not None and package.text() is not None:
        try:
            before = json.loads((template / "package.json").read_text()).get("scripts", {})
            after = json.loads(package.text() or "{}").get("scripts", {})
        except (ValueError, AttributeError):
            before, after = {}, None
        if after != before:
            moved = sorted(k for k in set(before) | set(after or {}) if before.get(k) != (after or {}).get(k))
            found.append(f"package.json: scripts changed ({', '.join(moved) or 'unreadable'}; the grader runs its own)")
    return found


def replayed(change_path: str) -> bool:
    """Whether the grader writes this change into its workspace."""
    return not any(change_path == p or change_path.startswith(p) for p in NOT_REPLAYED)


async def apply_changes(instance: Instance, changes: ChangeSet) -> list[str]:
    """Writes the agent's changes into the grading workspace (through the sandbox, so links stay inside)."""
    skipped = []
    for change in changes.changes:
        if not replayed(change.path):
            skipped.append(change.path)
            continue
        target = f"{WORKSPACE}/{change.path}"
        if change.status == "deleted":
            await instance.session.remove(target)
        elif change.kind == "symlink":
            await instance.session.symlink(target, change.content or "")
        elif change.omitted:
            skipped.append(change.path)
        else:
            await instance.session.write(target, change.data() or b"", 0o755 if change.executable else 0o644)
    return skipped


_REDRAWN_LINE = re.compile(r"^[^\n]*\n(?=\x1b\[2K)", re.MULTILINE)
_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def settled_output(output: str) -> str:
    """Terminal output as it finally reads: a line redrawn by a spinner (erase line, then the next frame)
    replaces the line before it, and escape sequences go; the frames' count depends on how long a step took."""
    return _ESCAPE.sub("", _REDRAWN_LINE.sub("", output))


async def push_schema(instance: Instance, database_url: str | None = None) -> tuple[bool, str]:
    """Pushes the workspace's schema to the instance's database (the agent's schema, on a fresh copy), or to
    the database at ``database_url``."""
    env = {"NO_COLOR": "1", **({"DATABASE_URL": database_url} if database_url else {})}
    push = await instance.session.exec(
        ["node_modules/.bin/drizzle-kit", "push", "--force"], timeout=PUSH_TIMEOUT, env=env
    )
    return push.returncode == 0, settled_output((push.stdout + push.stderr).decode(errors="replace"))[-4000:]


async def run_hidden_tests(instance: Instance, spec: TaskSpec, files: list[str] | None = None) -> TestRun:
    """Places the task's hidden tests and runs them (``files``, default every file the task's test ids
    name) with the harness's command and reporter."""
    for test_file in spec.hidden_test_files():
        await instance.session.write(f"{WORKSPACE}/{HIDDEN_TESTS_DIR}/{test_file.name}", test_file.read_bytes())
    await instance.session.write(REPORTER_PATH, REPORTER.read_bytes())
    nonce = secrets.token_hex(16)
    run = await instance.session.exec(
        [
            "node", "--env-file=.env", "--import", "tsx", "--test", f"--test-concurrency={TEST_CONCURRENCY}",
            f"--test-reporter={REPORTER_PATH}", *(files if files is not None else spec.tests.files()),
        ],
        input=nonce.encode() + b"\n",
        env={"NODE_ENV": "test", "ALLOY_NONCE_FROM_STDIN": "1"},
        timeout=TEST_TIMEOUT,
    )  # fmt: skip
    results = parse_results(run.stdout.decode(errors="replace"), Path(WORKSPACE), nonce=nonce)
    return TestRun(tuple(results), run.returncode, run.stderr.decode(errors="replace")[-5000:])


async def run_grading(
    instance: Instance,
    spec: TaskSpec,
    changes: ChangeSet,
    alongside: Awaitable[T] | None = None,
    files: list[str] | None = None,
) -> tuple[GradingRun, T | None]:
    """Applies the changes, pushes the schema when the agent changed it, and runs the hidden tests (``files``,
    default all the task's) in ``instance``; ``alongside`` (e.g. the live probes) runs at the same time."""
    seconds: dict[str, float] = {}
    start = time.monotonic()
    await apply_changes(instance, changes)
    seconds["apply"] = time.monotonic() - start
    push_ok, push_log = True, "schema unchanged: the golden database already has it"
    if changes.get(SCHEMA_FILE) is not None:
        start = time.monotonic()
        push_ok, push_log = await push_schema(instance)
        seconds["schema_push"] = time.monotonic() - start
    start = time.monotonic()
    extra: T | None = None
    if alongside is not None:
        tests, extra = await asyncio.gather(run_hidden_tests(instance, spec, files), alongside)
    else:
        tests = await run_hidden_tests(instance, spec, files)
    seconds["tests"] = time.monotonic() - start
    return GradingRun(tests=tests, schema_push=push_log, schema_push_ok=push_ok, seconds=seconds), extra
