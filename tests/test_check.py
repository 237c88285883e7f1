"""``alloy-bench check`` on git checkouts: the fixture with an outside agent's changes, and a foreign repo."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from evals.errors import SetupError
from evals.fixture import copy_workspace, git, prepare_fixture
from scorers.check_repo import check_repo

CLI = Path(sys.executable).parent / "alloy-bench"
VIOLATIONS = """\
import type { Request, Response } from "express";
import { pool } from "./db";

export async function statusReport(_req: Request, res: Response): Promise<void> {
  const started = Date.now() as any;
  const rows = await pool.query("SELECT 1");
  if (!started) {
    res.status(500).json({ message: "x" });
    return;
  }
  res.json({ success: true, data: rows.rowCount });
}
"""


@pytest.fixture
def fixture_repo(tmp_path: Path) -> Path:
    return copy_workspace(prepare_fixture(), tmp_path / "app")


def test_check_reports_exactly_the_three_violations(fixture_repo: Path) -> None:
    (fixture_repo / "server" / "status-report.ts").write_text(VIOLATIONS)
    out = subprocess.run([str(CLI), "check", "--repo", str(fixture_repo), "--format", "json"],
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    assert out.returncode == 1, out.stderr
    rules = json.loads(out.stdout)["rules"]
    failed = {rule: r["evidence"] for rule, r in rules.items() if r["verdict"] == "fail"}
    assert sorted(failed) == ["drizzle-only", "error-format", "no-any"], failed
    assert any(line.startswith("server/status-report.ts:8:") for line in failed["error-format"])
    assert any(line.startswith("server/status-report.ts:5:") for line in failed["no-any"])
    assert any(line.startswith("server/status-report.ts:6:") for line in failed["drizzle-only"])
    assert rules["auth-required"]["verdict"] == "not-applicable"
    text = subprocess.run([str(CLI), "check", "--repo", str(fixture_repo)], capture_output=True, text=True)
    assert "fail            error-format" in text.stdout


def test_check_against_a_base_commit(fixture_repo: Path) -> None:
    (fixture_repo / "server" / "status-report.ts").write_text(VIOLATIONS)
    git(["add", "-A"], fixture_repo, check=True)
    git(
        ["-c", "user.name=t", "-c", "user.email=t@t.invalid", "commit", "-qm", "outside agent"],
        fixture_repo,
        check=True,
    )
    assert all(r.verdict != "fail" for r in check_repo(fixture_repo).values()), "nothing changed since HEAD"
    failed = [rule for rule, r in check_repo(fixture_repo, "HEAD~1").items() if r.verdict == "fail"]
    assert sorted(failed) == ["drizzle-only", "error-format", "no-any"]


def test_check_outside_the_fixture(tmp_path: Path) -> None:
    repo = tmp_path / "other"
    repo.mkdir()
    git(["init", "-q"], repo, check=True)
    (repo / "README.md").write_text("hello\n")
    git(["add", "-A"], repo, check=True)
    git(["-c", "user.name=t", "-c", "user.email=t@t.invalid", "commit", "-qm", "init"], repo, check=True)
    (repo / "src").mkdir()
    (repo / "src" / "app.ts").write_text("export const handler = (x: any): number => x;\n")
    results = check_repo(repo)
    assert results["folder-ownership"].verdict == "not-applicable"
    assert results["no-any"].verdict == "fail"
    with pytest.raises(SetupError, match="not a git checkout"):
        check_repo(tmp_path)
    with pytest.raises(SetupError, match="not a commit"):
        check_repo(repo, "no-such-ref")
