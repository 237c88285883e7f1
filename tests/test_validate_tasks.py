"""``alloy-bench validate`` on every task, as CI runs it: the oracle reaches strict_success, the no-op agent
fails every fail-to-pass test, the reference runs three times without a flaky test and type-checks, and every
labeled violation is flagged on exactly its rules."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from evals.task_spec import load_tasks

CLI = Path(sys.executable).parent / "alloy-bench"


def test_every_task_validates_both_ways() -> None:
    out = subprocess.run([str(CLI), "validate"], capture_output=True, text=True, timeout=3000)
    print(out.stdout)
    assert out.returncode == 0, out.stdout[-6000:] + out.stderr[-3000:]
    lines = dict(re.findall(r"^(\S+)\s+(ok|FAIL)\s", out.stdout, re.M))
    assert lines == {spec.id: "ok" for spec in load_tasks("all")}
    assert re.search(r"^\d+ task\(s\), 0 failed, \d+s wall$", out.stdout, re.M)
