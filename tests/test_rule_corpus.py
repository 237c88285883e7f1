"""The rule checks against the labeled corpus: every case gives exactly its labeled verdicts, every task's
reference solution passes every rule, and every rule has its violations and near-misses."""

from __future__ import annotations

import asyncio

import pytest

from evals.fixture import prepare_fixture
from evals.sandbox.provider import AlloySandboxConfig
from evals.task_spec import load_tasks
from scorers.corpus import CorpusCase, changes_from_patch, load_corpus, mismatches, run_case
from scorers.rules import evaluate
from scorers.rules.context import RuleContext
from scorers.validate import run_case_live

CASES = load_corpus()
STATIC = [c for c in CASES if not c.live]
LIVE = [c for c in CASES if c.live]


@pytest.fixture(scope="module")
def template():  # type: ignore[no-untyped-def]
    return prepare_fixture().app_dir


@pytest.mark.parametrize("case", STATIC, ids=[f"{c.rule}/{c.id}" for c in STATIC])
def test_case_gets_its_labels(case: CorpusCase, template) -> None:  # type: ignore[no-untyped-def]
    problems = mismatches(case, run_case(case, template))
    assert not problems, f"{case.rule}/{case.id} ({case.description}):\n" + "\n".join(problems)


@pytest.mark.parametrize("spec", load_tasks("all"), ids=lambda s: s.id)
def test_reference_solutions_pass_every_rule(spec, template) -> None:  # type: ignore[no-untyped-def]
    changes = changes_from_patch(spec.solution_patch.read_text(), template)
    results = evaluate(RuleContext(changes=changes, template=template, spec=spec))
    failed = {rule: r.evidence for rule, r in results.items() if r.verdict == "fail"}
    assert not failed, failed


@pytest.mark.parametrize("case", LIVE, ids=[f"{c.rule}/{c.id}" for c in LIVE])
def test_live_case_gets_its_labels(case: CorpusCase) -> None:
    """Cases that need the running app: their changes in a grading sandbox, the live probes, then the rules."""
    results = asyncio.run(run_case_live(case, AlloySandboxConfig()))
    problems = mismatches(case, results)
    assert not problems, f"{case.rule}/{case.id} ({case.description}):\n" + "\n".join(problems)
