"""``alloy-bench validate --scorers``: the whole labeled corpus (live cases included) and every reference
solution, with precision and recall per rule."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from scorers.corpus import load_corpus
from scorers.rules import RULES, _load_checks
from scorers.validate import coverage_gaps

CLI = Path(sys.executable).parent / "alloy-bench"


def test_validate_shows_perfect_precision_and_recall_for_every_rule() -> None:
    out = subprocess.run([str(CLI), "validate", "--scorers"], capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stdout + out.stderr
    rows = dict(re.findall(r"^([a-z-]+)\s+(\S+\s+\S+)\s+\d+\s+\d+\s+\d+\s+\d+$", out.stdout, re.M))
    _load_checks()
    assert set(rows) == {*RULES, "preflight"}, out.stdout
    assert all(cells.split() == ["1.00", "1.00"] for cells in rows.values()), out.stdout
    assert "0 problem(s)" in out.stdout
    graded = re.search(
        r"^report \(incomplete\)\s+1\.00\s+1\.00\s+(\d+)/(\d+) reports graded exactly$", out.stdout, re.M
    )
    assert graded is not None and graded.group(1) == graded.group(2), out.stdout


def test_every_rule_has_three_violations_and_two_near_misses() -> None:
    assert coverage_gaps(load_corpus()) == []


def test_a_rule_with_too_few_examples_is_reported() -> None:
    cases = [c for c in load_corpus() if not (c.rule == "no-any" and c.kind == "near-miss")]
    gaps = coverage_gaps(cases)
    assert len(gaps) == 1 and gaps[0].startswith("no-any: ") and "0 near-miss(es)" in gaps[0]
