"""Per-test results from node:test: parsed from the reporter, failures and broken files detected."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.node_tests import parse_results, run_node_tests


def test_parse_results_names_tests_by_file_and_suite(tmp_path: Path) -> None:
    records = [
        {"file": str(tmp_path / "tests/a.test.ts"), "name": "suite > ok", "status": "pass", "duration_ms": 3.5},
        {"file": str(tmp_path / "tests/a.test.ts"), "name": "suite > bad", "status": "fail", "error": "boom"},
        {"file": str(tmp_path / "tests/b.test.ts"), "name": str(tmp_path / "tests/b.test.ts"), "status": "fail"},
    ]
    stdout = "noise from the app\n" + "\n".join(json.dumps(r) for r in records) + "\n{not json\n"
    results = parse_results(stdout, tmp_path)
    assert [(r.id, r.status) for r in results] == [
        ("tests/a.test.ts::suite > ok", "pass"),
        ("tests/a.test.ts::suite > bad", "fail"),
        ("tests/b.test.ts", "fail"),
    ]
    assert results[1].error == "boom" and not results[1].passed and results[0].passed


def test_printed_pass_lines_are_not_results(tmp_path: Path) -> None:
    # Only objects with the reporter's keys count; a test cannot pass by printing "ok".
    stdout = 'ok 1 - everything\n# pass 99\n{"ok": true}\n'
    assert parse_results(stdout, tmp_path) == []
    # Nor by printing a record that looks like the reporter's: it lacks the run's secret.
    forged = json.dumps({"nonce": "guess", "file": str(tmp_path / "t.test.ts"), "name": "x", "status": "pass"})
    real = json.dumps({"nonce": "s3cret", "file": str(tmp_path / "t.test.ts"), "name": "y", "status": "fail"})
    assert [r.id for r in parse_results(f"{forged}\n{real}\n", tmp_path, nonce="s3cret")] == ["t.test.ts::y"]


@pytest.mark.slow
def test_real_run_reports_failures_and_unloadable_files(workspace: Path) -> None:
    (workspace / "tests" / "zz-mixed.test.ts").write_text(
        'import assert from "node:assert/strict";\n'
        'import { describe, it } from "node:test";\n'
        'describe("mixed", () => {\n'
        '  it("passes", () => assert.equal(1, 1));\n'
        '  it("fails", () => assert.equal(1, 2));\n'
        "});\n"
    )
    (workspace / "tests" / "zz-broken.test.ts").write_text('import x from "no-such-package";\nx();\n')
    try:
        run = run_node_tests(workspace, ["tests/zz-mixed.test.ts", "tests/zz-broken.test.ts"], {})
    finally:
        for name in ("zz-mixed.test.ts", "zz-broken.test.ts"):
            (workspace / "tests" / name).unlink()
    statuses = {r.id: r.status for r in run.results}
    assert statuses == {
        "tests/zz-mixed.test.ts::mixed > passes": "pass",
        "tests/zz-mixed.test.ts::mixed > fails": "fail",
        "tests/zz-broken.test.ts": "fail",
    }
    assert run.returncode != 0
    assert "2" in (run.by_id()["tests/zz-mixed.test.ts::mixed > fails"].error or "")
