"""``alloy-bench validate --scorers``: the rule checks against the labeled corpus, with precision and recall
per rule (a positive is a ``fail`` verdict), and every task's reference solution against every rule."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from evals.sandbox.provider import AlloySandboxConfig, prepared_templates
from evals.task_spec import load_tasks
from scorers.corpus import (
    CorpusCase,
    case_spec,
    changes_for,
    changes_from_patch,
    confusion,
    load_corpus,
    mismatches,
    preflight_result,
    run_case,
    transcript_messages,
)
from scorers.grading import apply_changes, push_schema
from scorers.probes import base_routes, changed_route_paths, run_probes
from scorers.report_corpus import grade_case, load_report_cases, report_accuracy, report_mismatches
from scorers.rules import RuleResult, evaluate
from scorers.rules.context import RuleContext


@dataclass
class ScorerValidation:
    cases: int = 0
    problems: list[str] = field(default_factory=list)
    per_rule: dict[str, dict[str, int]] = field(default_factory=dict)
    reports: dict[str, Any] = field(default_factory=dict)
    """The report grader on the report corpus: cases, exact, precision and recall of flagging incomplete."""

    @property
    def ok(self) -> bool:
        rules_ok = all(counts["fp"] == 0 and counts["fn"] == 0 for counts in self.per_rule.values())
        return not self.problems and rules_ok and self.reports.get("exact") == self.reports.get("cases")


async def run_case_live(case: CorpusCase, config: AlloySandboxConfig) -> dict[str, RuleResult]:
    """A case's verdicts with the live probes: its changes applied in a grading sandbox, the app started."""
    prepared, golden = await prepared_templates(config)
    changes = changes_for(case, prepared.app_dir)
    base = await asyncio.to_thread(base_routes, prepared)
    instance = await config.start_instance(prepared, golden)
    try:
        await apply_changes(instance, changes)
        await push_schema(instance)
        spec = case_spec(case)
        probes = await run_probes(instance, spec, base, changed_route_paths(changes, prepared.app_dir))
    finally:
        await instance.close()
    ctx = RuleContext(
        changes=changes,
        template=prepared.app_dir,
        spec=spec,
        messages=transcript_messages(case.transcript),
        probes=probes,
        base_routes=base,
    )
    return {**evaluate(ctx), "preflight": preflight_result(ctx.messages)}


def precision_recall(counts: dict[str, int]) -> tuple[float | None, float | None]:
    tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    return precision, recall


def validate_scorers(live: bool = True) -> ScorerValidation:
    """Runs every corpus case (live ones only when ``live``) and every reference solution."""
    config = AlloySandboxConfig()
    prepared, _ = asyncio.run(prepared_templates(config))
    template = prepared.app_dir
    report = ScorerValidation()
    labelled = []
    for case in load_corpus():
        if case.live and not live:
            continue
        results = asyncio.run(run_case_live(case, config)) if case.live else run_case(case, template)
        labelled.append((case, results))
        report.problems += [f"{case.rule}/{case.id}: {p}" for p in mismatches(case, results)]
    for spec in load_tasks("all"):
        changes = changes_from_patch(spec.solution_patch.read_text(), template)
        results = evaluate(RuleContext(changes=changes, template=template, spec=spec))
        report.problems += [
            f"reference solution of {spec.id}: {rule} fails ({'; '.join(r.evidence[:2])})"
            for rule, r in results.items()
            if r.verdict == "fail"
        ]
    report.cases = len(labelled)
    report.per_rule = confusion(labelled)
    report.problems += coverage_gaps(load_corpus())
    graded = [(case, grade_case(case, template)) for case in load_report_cases()]
    report.problems += [f"report/{case.id}: {p}" for case, score in graded for p in report_mismatches(case, score)]
    report.reports = report_accuracy(graded)
    return report


MIN_VIOLATIONS, MIN_NEAR_MISSES = 3, 2


def coverage_gaps(cases: list[CorpusCase]) -> list[str]:
    """Rules with fewer than 3 labeled violations or 2 near-misses of their own (a rule proven on fewer
    examples than that is not proven)."""
    from scorers.rules import RULES

    gaps = []
    for rule_id in sorted([*RULES, "preflight"]):
        own = [c for c in cases if c.rule == rule_id]
        violations = sum(c.kind == "violation" for c in own)
        near_misses = sum(c.kind == "near-miss" for c in own)
        if violations < MIN_VIOLATIONS or near_misses < MIN_NEAR_MISSES:
            gaps.append(
                f"{rule_id}: {violations} violation(s) and {near_misses} near-miss(es) labeled; "
                f"at least {MIN_VIOLATIONS} and {MIN_NEAR_MISSES} needed"
            )
    return gaps


def render(report: ScorerValidation) -> str:
    lines = [f"{'rule':<22} {'precision':>9} {'recall':>7}   tp  fp  fn  tn"]
    for rule_id, counts in sorted(report.per_rule.items()):
        precision, recall = precision_recall(counts)
        cells = [f"{v:.2f}" if v is not None else "—" for v in (precision, recall)]
        tally = "".join(f"{counts[k]:4}" for k in ("tp", "fp", "fn", "tn"))
        lines.append(f"{rule_id:<22} {cells[0]:>9} {cells[1]:>7} {tally}")
    if report.reports:
        r = report.reports
        cells = [f"{v:.2f}" if v is not None else "—" for v in (r["precision"], r["recall"])]
        lines.append(
            f"{'report (incomplete)':<22} {cells[0]:>9} {cells[1]:>7}   "
            f"{r['exact']}/{r['cases']} reports graded exactly"
        )
    lines.append(f"{report.cases} corpus cases; {len(report.problems)} problem(s)")
    lines += [f"  - {problem}" for problem in report.problems]
    return "\n".join(lines) + "\n"
