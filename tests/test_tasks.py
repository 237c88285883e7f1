"""Task files load cleanly and bad ones are refused with a message naming the file and field. (That every task
is valid both ways, oracle and no-op, is checked by ``alloy-bench validate``: tests/test_validate_tasks.py.)"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from evals.errors import SetupError
from evals.task_spec import load_task, load_tasks

TASKS = load_tasks("all")
_db_names = (f"task_db_{n}" for n in itertools.count())


def test_tasks_load_with_their_ids() -> None:
    assert len(TASKS) >= 30
    assert {t.category for t in TASKS} == {"feature", "bugfix", "schema", "integration", "refactor", "security"}
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
