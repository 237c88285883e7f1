"""Hidden-test outcome: every fail-to-pass and pass-to-pass test must pass, matched per test id."""

from __future__ import annotations

from dataclasses import dataclass, field

from evals.node_tests import TestRun
from evals.task_spec import TestSplit


@dataclass(frozen=True)
class TestOutcome:
    """Per listed id (or pattern): the matching results, and whether the sample is resolved."""

    fail_to_pass: dict[str, str] = field(default_factory=dict)
    pass_to_pass: dict[str, str] = field(default_factory=dict)
    """id or pattern -> "pass" | "fail" | "missing" (no test of that id ran)."""

    @property
    def resolved(self) -> bool:
        return all(status == "pass" for status in {**self.fail_to_pass, **self.pass_to_pass}.values())

    def failures(self) -> list[str]:
        return [
            f"{test_id} ({status})"
            for test_id, status in {**self.fail_to_pass, **self.pass_to_pass}.items()
            if status != "pass"
        ]


def _status(pattern: str, run: TestRun) -> str:
    matched = [r for r in run.results if TestSplit.matches(pattern, r.id)]
    if not matched:
        return "missing"
    return "pass" if all(r.passed for r in matched) else "fail"


def outcome(split: TestSplit, run: TestRun) -> TestOutcome:
    """Grades a test run against the task's split. A listed test that did not run counts as failed."""
    return TestOutcome(
        fail_to_pass={pattern: _status(pattern, run) for pattern in split.fail_to_pass},
        pass_to_pass={pattern: _status(pattern, run) for pattern in split.pass_to_pass},
    )
