"""The report grader against the labeled report corpus: every case gets exactly its labels."""

from __future__ import annotations

import pytest

from evals.fixture import prepare_fixture
from evals.task_spec import load_tasks
from scorers.corpus import changes_from_patch
from scorers.report_corpus import ReportCase, grade_case, load_report_cases, report_mismatches
from scorers.report_score import score_report
from scorers.rules.context import RuleContext
from scorers.truth import report_truth

CASES = load_report_cases()


@pytest.fixture(scope="module")
def template():  # type: ignore[no-untyped-def]
    return prepare_fixture().app_dir


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_report_case_gets_its_labels(case: ReportCase, template) -> None:  # type: ignore[no-untyped-def]
    problems = report_mismatches(case, grade_case(case, template))
    assert not problems, f"{case.id} ({case.description}):\n" + "\n".join(problems)


def test_the_corpus_covers_every_kind_of_mistake() -> None:
    complete = [c for c in CASES if c.expect.complete]
    assert len(CASES) >= 25 and len(complete) >= 5
    assert {c.task for c in CASES} >= {"consultation-bookings", "newsletter-resubscribe", "portfolio-images"}
    assert any(c.expect.present < 7 for c in CASES)
    for key in ("files_created", "files_modified", "schema_changes", "new_api_endpoints", "new_dependencies"):
        assert any(key in c.expect.missing or key in c.expect.false for c in CASES), key


@pytest.mark.parametrize("spec", load_tasks("all"), ids=lambda s: s.id)
def test_reference_reports_are_complete_and_true(spec, template) -> None:  # type: ignore[no-untyped-def]
    changes = changes_from_patch(spec.solution_patch.read_text(), template)
    score = score_report(spec.solution_report.read_text(), report_truth(RuleContext(changes, template, spec)))
    assert score.complete, score.evidence()
