"""The labeled report corpus: final reports written against a task's reference diff, each with what the report
grader must find.

A case is one YAML file, ``tests/report_corpus/<name>.yaml``::

    task: consultation-bookings      # the truth is this task's reference solution ...
    description: forgets the storage changes
    edits: [...]                     # ... optionally changed like a rule-corpus case (files/edits/delete)
    report: |
      ## Files Created
      ...
    expect:
      complete: false                # report_complete
      present: 7                     # sections found (default 7)
      "false":                       # per section, the false claims as the grader words them (exact;
                                     #   quoted, or YAML reads the key as a boolean, which is accepted too)
        files_created: ["server/x.ts"]
      missing:                       # per section, what the report left out (exact)
        files_modified: ["server/storage.ts"]

Every section not listed under ``false``/``missing`` must have none. ``alloy-bench validate --scorers`` and
the test suite run every case.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from evals.errors import SetupError
from evals.task_spec import TASKS_DIR, load_task
from scorers.corpus import Edit, changes_for
from scorers.report import SECTIONS
from scorers.report_score import ReportScore, score_report
from scorers.rules.context import RuleContext
from scorers.truth import report_truth

REPORT_CORPUS_DIR = Path(__file__).resolve().parent.parent / "tests" / "report_corpus"


class ReportExpect(BaseModel):
    model_config = ConfigDict(extra="forbid")
    complete: bool
    present: int = 7
    false: dict[str, list[str]] = Field(default_factory=dict)
    missing: dict[str, list[str]] = Field(default_factory=dict)


class ReportCase(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    task: str
    description: str
    report: str
    files: dict[str, str] = Field(default_factory=dict)
    edits: list[Edit] = Field(default_factory=list)
    delete: list[str] = Field(default_factory=list)
    expect: ReportExpect

    # what scorers.corpus.changes_for reads
    rule: str = "report"
    patch: str | None = None
    on_reference: bool = True


def load_report_cases(root: Path = REPORT_CORPUS_DIR) -> list[ReportCase]:
    cases = []
    for path in sorted(root.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text())
            expect = data.get("expect") if isinstance(data, dict) else None
            if isinstance(expect, dict) and False in expect:
                expect["false"] = expect.pop(False)
            case = ReportCase.model_validate({**data, "id": path.stem})
        except (yaml.YAMLError, ValidationError, TypeError) as error:
            raise SetupError(f"{path}: invalid report case: {error}") from error
        unknown = sorted((set(case.expect.false) | set(case.expect.missing)) - set(SECTIONS))
        if unknown:
            raise SetupError(f"{path}: unknown section key(s) {', '.join(unknown)}; use {', '.join(SECTIONS)}")
        cases.append(case)
    return cases


def grade_case(case: ReportCase, template: Path) -> ReportScore:
    spec = load_task(TASKS_DIR / case.task)
    changes = changes_for(case, template)  # type: ignore[arg-type]
    truth = report_truth(RuleContext(changes=changes, template=template, spec=spec))
    return score_report(case.report, truth)


def report_mismatches(case: ReportCase, score: ReportScore) -> list[str]:
    """Where the grader's findings differ from the case's labels."""
    problems = []
    if score.complete != case.expect.complete:
        problems.append(f"complete: expected {case.expect.complete}, got {score.complete}")
    if score.present != case.expect.present:
        problems.append(
            f"present: expected {case.expect.present}, got {score.present} (missing {score.parsed.missing})"
        )
    for key, section in score.sections.items():
        for kind, got in (("false", section.false), ("missing", section.missing)):
            wanted = getattr(case.expect, kind).get(key, [])
            if sorted(got) != sorted(wanted):
                problems.append(f"{key} {kind}: expected {wanted}, got {got}")
    return problems


def report_accuracy(results: list[tuple[ReportCase, ReportScore]]) -> dict[str, Any]:
    """How well the grader flags incomplete reports (a positive is ``report_complete`` = 0) and how many
    cases it gets exactly right."""
    tp = sum(not c.expect.complete and not s.complete for c, s in results)
    fp = sum(c.expect.complete and not s.complete for c, s in results)
    fn = sum(not c.expect.complete and s.complete for c, s in results)
    exact = sum(not report_mismatches(c, s) for c, s in results)
    return {
        "cases": len(results),
        "exact": exact,
        "precision": tp / (tp + fp) if tp + fp else None,
        "recall": tp / (tp + fn) if tp + fn else None,
    }
