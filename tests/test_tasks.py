"""Every task is valid both ways: its hidden tests fail on the base fixture (fail-to-pass) and pass with the
reference solution, which also type-checks; pass-to-pass tests pass on both. Task files load cleanly and
bad ones are refused with a message naming the file and field."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest

from evals.errors import SetupError
from evals.fixture import PreparedFixture, copy_workspace, git, run_npm_script
from evals.node_tests import run_node_tests
from evals.postgres import PostgresCluster
from evals.task_spec import HIDDEN_TESTS_DIR, TaskSpec, load_task, load_tasks
from scorers.test_outcome import outcome

TASKS = load_tasks("all")
_db_names = (f"task_db_{n}" for n in itertools.count())


def _grading_copy(prepared: PreparedFixture, spec: TaskSpec, dest: Path, with_solution: bool) -> Path:
    app = copy_workspace(prepared, dest)
    if with_solution:
        out = git(["apply", "--whitespace=nowarn", str(spec.solution_patch)], app)
        assert out.returncode == 0, f"{spec.solution_patch} does not apply to the base fixture:\n{out.stderr}"
    hidden = app / HIDDEN_TESTS_DIR
    hidden.mkdir(parents=True, exist_ok=True)
    for test_file in spec.hidden_test_files():
        shutil.copy(test_file, hidden / test_file.name)
    return app


def _fresh_db(pg: PostgresCluster, app: Path) -> str:
    url = pg.create_database(next(_db_names))
    for script in ("db:push", "db:seed"):
        out = run_npm_script(app, script, {"DATABASE_URL": url})
        assert out.returncode == 0, f"npm run {script} failed:\n{out.stdout}\n{out.stderr}"
    return url


@pytest.mark.slow
@pytest.mark.parametrize("spec", TASKS, ids=[t.id for t in TASKS])
def test_hidden_tests_split_base_and_reference(
    spec: TaskSpec, prepared: PreparedFixture, pg: PostgresCluster, tmp_path: Path
) -> None:
    base = _grading_copy(prepared, spec, tmp_path / "base", with_solution=False)
    base_run = run_node_tests(base, spec.tests.files(), {"DATABASE_URL": _fresh_db(pg, base)})
    base_outcome = outcome(spec.tests, base_run)
    still_passing = [t for t, s in base_outcome.fail_to_pass.items() if s == "pass"]
    assert not still_passing, f"fail-to-pass tests already pass on the base fixture: {still_passing}"
    broken = [f"{t} ({s})" for t, s in base_outcome.pass_to_pass.items() if s != "pass"]
    assert not broken, f"pass-to-pass tests fail on the base fixture: {broken}\n{base_run.stderr[-2000:]}"

    ref = _grading_copy(prepared, spec, tmp_path / "ref", with_solution=True)
    check = run_npm_script(ref, "check", {})
    assert check.returncode == 0, f"reference solution does not type-check:\n{check.stdout}{check.stderr}"
    ref_run = run_node_tests(ref, spec.tests.files(), {"DATABASE_URL": _fresh_db(pg, ref)})
    ref_outcome = outcome(spec.tests, ref_run)
    assert ref_outcome.resolved, (
        "reference solution fails: "
        + "; ".join(ref_outcome.failures())
        + "\n"
        + "\n".join(f"{r.id}: {r.error}" for r in ref_run.failed)
    )


def test_tasks_load_with_their_ids() -> None:
    assert len(TASKS) >= 3
    assert {t.category for t in TASKS} >= {"feature", "bugfix", "schema"}
    for spec in TASKS:
        assert spec.hidden_test_files(), f"{spec.id} has no hidden tests"
        assert spec.solution_report.read_text().strip()


def _write_task(tmp_path: Path, text: str, name: str = "bad-task") -> Path:
    folder = tmp_path / name
    (folder / "solution").mkdir(parents=True)
    (folder / "solution" / "patch.diff").write_text("")
    (folder / "solution" / "report.md").write_text("report")
    (folder / "task.yaml").write_text(text)
    return folder


VALID = """\
id: bad-task
version: 1
title: A valid task
category: bugfix
difficulty: easy
prompt: Fix the thing that is broken, please.
tests:
  fail_to_pass: ["tests/newsletter.test.ts::newsletter > subscribes a new address and sends a welcome email"]
"""


def test_valid_minimal_task_loads(tmp_path: Path) -> None:
    spec = load_task(_write_task(tmp_path, VALID))
    assert spec.rules.applies("error-format") and spec.limits.messages > 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (("category: bugfix", "category: chore"), "category"),
        (("version: 1", "version: 0"), "version"),
        (("id: bad-task", "id: other-task"), "id"),
        (
            (
                '["tests/newsletter.test.ts::newsletter > subscribes a new address and sends a welcome email"]',
                '["newsletter"]',
            ),
            "tests.fail_to_pass",
        ),
        (("difficulty: easy", "difficulty: easy\nsurprise: 1"), "surprise"),
        (("prompt: Fix", "rules:\n  public_routes: ['/api/x']\nprompt: Fix"), "rules.public_routes"),
    ],
)
def test_invalid_task_names_file_and_field(tmp_path: Path, change: tuple[str, str], field: str) -> None:
    folder = _write_task(tmp_path, VALID.replace(*change))
    with pytest.raises(SetupError) as raised:
        load_task(folder)
    message = str(raised.value)
    assert str(folder / "task.yaml") in message and field in message


def test_malformed_yaml_and_unknown_ids_are_clear(tmp_path: Path) -> None:
    with pytest.raises(SetupError, match="not valid YAML"):
        load_task(_write_task(tmp_path, "id: [unclosed\n"))
    with pytest.raises(SetupError, match="unknown task id.*no-such-task"):
        load_tasks("no-such-task")
