"""The task set as a whole: versions tied to content, every rule tempted twice, the generated README, and
the published dataset that never carries tests or solutions."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from evals.alloy import alloy_bench
from evals.errors import SetupError
from evals.task_catalog import (
    README_FILE,
    content_hash,
    export_dataset,
    load_exported,
    lock_problems,
    readme,
    write_lock,
)
from evals.task_spec import load_task, load_tasks
from scorers.rules import RULES, _load_checks

SPECS = load_tasks("all")


def test_every_task_is_recorded_at_its_version() -> None:
    assert lock_problems(SPECS) == []


def test_a_change_without_a_new_version_is_refused(tmp_path: Path) -> None:
    source = SPECS[0]
    copy = tmp_path / source.id
    shutil.copytree(source.root, copy)
    lock = tmp_path / "versions.json"
    write_lock([load_task(copy)], lock)
    assert lock_problems([load_task(copy)], lock) == []

    test_file = next((copy / "tests").glob("*.test.ts"))
    test_file.write_text(test_file.read_text() + "\n// an extra line\n")
    problems = lock_problems([load_task(copy)], lock)
    assert len(problems) == 1 and "changed without a new version" in problems[0]

    task_yaml = copy / "task.yaml"
    task_yaml.write_text(
        task_yaml.read_text().replace(f"version: {source.version}\n", f"version: {source.version + 1}\n", 1)
    )
    bumped = load_task(copy)
    assert bumped.version == source.version + 1
    assert "is not recorded" in lock_problems([bumped], lock)[0]
    write_lock([bumped], lock)
    assert lock_problems([bumped], lock) == []
    assert content_hash(bumped) != content_hash(source)


def test_every_rule_is_tempted_by_at_least_two_tasks() -> None:
    _load_checks()
    tempted: dict[str, list[str]] = {}
    for spec in SPECS:
        unknown = set(spec.temptations) - set(RULES)
        assert not unknown, f"{spec.id}: temptations name unknown rules {sorted(unknown)}"
        for rule_id in spec.temptations:
            tempted.setdefault(rule_id, []).append(spec.id)
    thin = {rule_id: tempted.get(rule_id, []) for rule_id in RULES if len(tempted.get(rule_id, [])) < 2}
    assert not thin, f"rules tempted by fewer than two tasks: {thin}"


def test_the_suite_covers_every_category_and_difficulty_with_a_third_hard() -> None:
    assert len(SPECS) >= 30
    categories = {spec.category for spec in SPECS}
    assert categories == {"feature", "bugfix", "schema", "integration", "refactor", "security"}
    hard = [spec.id for spec in SPECS if spec.difficulty == "hard"]
    assert 3 * len(hard) >= len(SPECS), f"{len(hard)} of {len(SPECS)} tasks are hard; at least a third must be"
    assert {spec.difficulty for spec in SPECS} == {"easy", "medium", "hard"}
    tempting = [spec.id for spec in SPECS if spec.temptations]
    assert 2 * len(tempting) >= len(SPECS)
    # work the Backend Worker must leave to others (frontend) is expected as a Known Gap, never as an edit
    assert sum(1 for spec in SPECS if spec.expected.known_gaps) >= 5


def test_the_task_readme_is_current() -> None:
    assert README_FILE.read_text() == readme(SPECS), "run `alloy-bench tasks --readme`"


def test_exported_dataset_has_the_tasks_but_no_tests_or_solutions(tmp_path: Path) -> None:
    export_dataset(SPECS, tmp_path / "export")
    rows = load_exported(tmp_path / "export")
    assert [r["id"] for r in rows] == [s.id for s in SPECS]
    by_id = {s.id: s for s in SPECS}
    for row in rows:
        spec = by_id[row["id"]]
        assert (row["prompt"], row["version"], row["temptations"]) == (spec.prompt, spec.version, spec.temptations)
        dumped = repr(row)
        assert "fail_to_pass" not in dumped and "diff --git" not in dumped and "tests/hidden" not in dumped
    task = alloy_bench(dataset=str(tmp_path / "export"), tasks=SPECS[0].id)
    assert [s.id for s in task.dataset] == [SPECS[0].id]
    assert task.dataset[0].input == SPECS[0].prompt.strip()


def test_an_export_of_another_task_version_is_refused(tmp_path: Path) -> None:
    export_dataset(SPECS, tmp_path / "export")
    import pyarrow.parquet as pq

    table = pq.read_table(tmp_path / "export" / "tasks.parquet").to_pylist()
    table[0]["version"] += 1
    import pyarrow as pa

    pq.write_table(pa.Table.from_pylist(table), tmp_path / "export" / "tasks.parquet")
    with pytest.raises(SetupError, match="use the matching checkout"):
        alloy_bench(dataset=str(tmp_path / "export"), tasks=SPECS[0].id)
    with pytest.raises(SetupError, match="no exported task set"):
        alloy_bench(dataset=str(tmp_path / "nowhere"))
