"""Bad input on the command line: each case gets one line on stderr naming the problem and the fix, and a
non-zero exit (2), before anything runs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from evals.task_spec import TASKS_DIR
from scorecards.synthetic import SampleSpec, write_log

REPO = Path(__file__).resolve().parents[1]
TASK = "newsletter-resubscribe"


def _cli(*args: str, env: dict[str, str] | None = None, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "evals.cli", *args], cwd=cwd, env=full, capture_output=True,
                          text=True, timeout=300)  # fmt: skip


def _tasks_dir(tmp_path: Path, edit: Callable[[Path], None]) -> dict[str, str]:
    """A private task set holding one copy of a real task, changed by ``edit``."""
    root = tmp_path / "tasks"
    shutil.copytree(TASKS_DIR / TASK, root / TASK)
    edit(root / TASK)
    return {"ALLOY_BENCH_TASKS_DIR": str(root)}


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


TASK_EDITS: dict[str, tuple[Callable[[Path], None], list[str]]] = {
    "malformed yaml": (lambda t: (t / "task.yaml").write_text("id: [unclosed\n"), ["not valid YAML", "fix the syntax"]),
    "missing field": (lambda t: _replace(t / "task.yaml", "category: bugfix\n", ""), ["category", "Field required"]),
    "unknown rule id": (
        lambda t: _replace(t / "task.yaml", "temptations:\n", "temptations:\n  - no-magic\n"),
        ["unknown rule id(s) no-magic", "rule ids are:", "error-format"],
    ),
    "missing hidden tests": (
        lambda t: (t / "tests" / f"{TASK}.test.ts").unlink(),
        ["is listed but", "does not exist", "add the hidden test file"],
    ),
    "missing reference solution": (
        lambda t: (t / "solution" / "patch.diff").unlink(),
        ["reference solution missing", "solution/patch.diff"],
    ),
}


def _one_clear_line(out: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert out.returncode == 2, (out.returncode, out.stdout[-1000:], out.stderr[-2000:])
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("alloy-bench: "), out.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


@pytest.mark.parametrize("case", sorted(TASK_EDITS))
def test_broken_task_files(case: str, tmp_path: Path) -> None:
    edit, needles = TASK_EDITS[case]
    env = _tasks_dir(tmp_path, edit)
    _one_clear_line(_cli("run", "--tasks", TASK, "--log-dir", str(tmp_path / "logs"), env=env), *needles)


def test_unknown_task_id() -> None:
    _one_clear_line(_cli("run", "--tasks", "no-such-task"), "unknown task id(s): no-such-task", "available:", TASK)


def test_missing_and_empty_prompt_files(tmp_path: Path) -> None:
    _one_clear_line(_cli("run", "--prompt", "nope.md", "--tasks", TASK), "prompt file not found", "backend-worker")
    empty = tmp_path / "empty.md"
    empty.write_text("\n")
    _one_clear_line(_cli("run", "--prompt", str(empty), "--tasks", TASK), "is empty")


def test_unknown_sandbox() -> None:
    _one_clear_line(_cli("run", "--sandbox", "vmware", "--tasks", TASK), "unknown sandbox 'vmware'", "alloy")


def test_replay_needs_a_directory_of_patches_that_apply(tmp_path: Path) -> None:
    _one_clear_line(_cli("run", "--agent", "replay", "--tasks", TASK), "--replay-dir")
    (tmp_path / f"{TASK}.patch").write_text(
        "--- a/server/routes.ts\n+++ b/server/routes.ts\n@@ -1,1 +1,1 @@\n-no such line\n+another line\n"
    )
    _one_clear_line(
        _cli("run", "--agent", "replay", "--replay-dir", str(tmp_path), "--tasks", TASK),
        f"{TASK}.patch does not apply to the fixture",
        "git diff",
    )


def test_scorecard_compare_and_gate_on_bad_logs(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    _one_clear_line(_cli("scorecard", str(empty)), "no Inspect logs", "alloy-bench run")
    _one_clear_line(_cli("scorecard", str(tmp_path / "missing")), "no such log file or directory")
    a = write_log(tmp_path / "a" / "r.eval", "prov/a", [SampleSpec("t1", 1, verdicts={"no-any": "pass"})])
    b = write_log(tmp_path / "b" / "r.eval", "prov/b", [SampleSpec("t2", 1, verdicts={"no-any": "pass"})])
    _one_clear_line(_cli("compare", str(a), str(b)), "no sample of the baseline pairs", "same tasks")
    _one_clear_line(_cli("gate", str(a), str(a), "--alpha", "5"), "--alpha must be between 0 and 1")
    _one_clear_line(_cli("gate", str(a), str(a), "--metric", "speed"), "unknown gate metric 'speed'")


def test_missing_tools(tmp_path: Path) -> None:
    """Without bubblewrap, then without Node, on PATH: the run stops at once with how to install them."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("git", "sh", "bash", "env"):
        found = shutil.which(tool)
        assert found
        (bin_dir / tool).symlink_to(found)
    env = {"PATH": str(bin_dir)}
    logs = str(tmp_path / "logs")
    args = ["run", "--agent", "noop", "--tasks", TASK, "--log-dir", logs, "--display", "none"]
    _one_clear_line(_cli(*args, env=env), "bubblewrap (bwrap) was not found", "apt-get install bubblewrap")
    (bin_dir / "bwrap").symlink_to(shutil.which("bwrap") or "/usr/bin/bwrap")
    _one_clear_line(_cli("fixture", env=env), "node and npm not found", "Node.js 20.12")


def test_postgres_not_where_it_is_said_to_be(tmp_path: Path) -> None:
    env = {"ALLOY_PG_BINDIR": str(tmp_path)}
    args = ["run", "--agent", "noop", "--tasks", TASK, "--log-dir", str(tmp_path / "logs"), "--display", "none"]
    _one_clear_line(_cli(*args, env=env), f"ALLOY_PG_BINDIR={tmp_path} does not hold initdb", "unset it")
