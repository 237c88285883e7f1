"""The rule catalogue: one small registered check per rule of the Backend Worker prompt.

A check takes a :class:`~scorers.rules.context.RuleContext` and returns a :class:`RuleResult` whose
verdict is ``pass``, ``fail``, ``not-applicable`` or ``unscored`` (evidence was missing: never a silent
pass), with evidence a reader can follow (``file:line`` and the offending code, or a transcript step).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field

from scorers.probes import ProbeFindings
from scorers.rules.context import RuleContext

Verdict = Literal["pass", "fail", "not-applicable", "unscored"]


class RuleResult(BaseModel):
    rule: str
    verdict: Verdict
    evidence: list[str] = Field(default_factory=list)

    @property
    def score(self) -> int | None:
        """1 pass, 0 fail, None when the rule did not apply or could not be scored."""
        return {"pass": 1, "fail": 0}.get(self.verdict)


RuleCheck = Callable[[RuleContext], RuleResult]


@dataclass(frozen=True)
class Rule:
    id: str
    summary: str
    check: RuleCheck


RULES: dict[str, Rule] = {}


def rule(rule_id: str, summary: str) -> Callable[[RuleCheck], RuleCheck]:
    """Registers a check under ``rule_id`` (the id used in task files, scores and scorecards)."""

    def register(check: RuleCheck) -> RuleCheck:
        if rule_id in RULES:
            raise ValueError(f"rule {rule_id!r} registered twice")
        RULES[rule_id] = Rule(rule_id, summary, check)
        return check

    return register


def passed(rule_id: str, *evidence: str) -> RuleResult:
    return RuleResult(rule=rule_id, verdict="pass", evidence=list(evidence))


def failed(rule_id: str, evidence: list[str]) -> RuleResult:
    return RuleResult(rule=rule_id, verdict="fail", evidence=evidence)


def not_applicable(rule_id: str, why: str) -> RuleResult:
    return RuleResult(rule=rule_id, verdict="not-applicable", evidence=[why])


def evaluate(ctx: RuleContext) -> dict[str, RuleResult]:
    """Runs every registered rule in scope for the context's task (all rules when there is none), then
    merges what the live probes found (when they ran) into the probed rules."""
    _load_checks()
    results = {}
    for rule_id, entry in sorted(RULES.items()):
        if ctx.spec is not None and not ctx.spec.rules.applies(rule_id):
            results[rule_id] = not_applicable(rule_id, "out of scope for this task")
            continue
        try:
            results[rule_id] = entry.check(ctx)
        except Exception as error:  # a broken check must not pass silently
            results[rule_id] = RuleResult(rule=rule_id, verdict="unscored", evidence=[f"check failed: {error!r}"])
    if ctx.probes is not None:
        from scorers.probes import findings

        for rule_id, found in findings(ctx.probes, ctx.base_routes).items():
            if rule_id in results and results[rule_id].evidence != ["out of scope for this task"]:
                results[rule_id] = merge_probe(results[rule_id], found)
    return results


def merge_probe(static: RuleResult, found: ProbeFindings) -> RuleResult:
    """A probe failure fails the rule; a probe that could not run leaves no pass standing (unscored)."""
    live = [f"live: {line}" for line in found.fails]
    if found.fails:
        kept = static.evidence if static.verdict == "fail" else []
        return RuleResult(rule=static.rule, verdict="fail", evidence=kept + live)
    if found.unscored and static.verdict in ("pass", "not-applicable"):
        return RuleResult(rule=static.rule, verdict="unscored", evidence=[*static.evidence, found.unscored])
    if found.checked:
        verdict: Verdict = "pass" if static.verdict == "not-applicable" else static.verdict
        evidence = [e for e in static.evidence if static.verdict != "not-applicable"]
        return RuleResult(
            rule=static.rule, verdict=verdict, evidence=[*evidence, f"live: {found.checked} probe(s) as expected"]
        )
    return static


def _load_checks() -> None:
    """Imports every check module in this package (each registers its rules with ``@rule``)."""
    import importlib
    import pkgutil

    for module in pkgutil.iter_modules(__path__):
        if module.name != "context":
            importlib.import_module(f"{__name__}.{module.name}")
