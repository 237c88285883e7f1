"""The benchmark's scorer: hidden tests, rule compliance, report and process, with evidence for each.

It captures what the agent changed (after ending every process in the agent's sandbox), stores the
change set in the sample, and grades in a fresh sandbox of its own. ``inspect score`` re-grades a log
from the stored change set, so every verdict can be recomputed.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from inspect_ai.model import ChatMessage
from inspect_ai.scorer import Score, Scorer, Target, mean, scorer, stderr
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_ai.util import sandbox

from evals.containers.capture import capture_from_sandbox
from evals.errors import SetupError
from evals.fixture import PreparedFixture
from evals.sandbox.golden import DATABASE
from evals.sandbox.instance import Instance
from evals.sandbox.provider import AlloySandboxConfig, AlloySandboxEnvironment, prepared_templates
from evals.task_spec import TASKS_DIR, TaskSpec, load_task
from scorers.changes import ChangeSet, capture, unified_diff
from scorers.grading import GradingRun, push_schema, run_grading, tampering
from scorers.probes import PROBE_DATABASE, ProbeReport, base_routes, changed_route_paths, probe_database_url, run_probes
from scorers.process import preflight
from scorers.report_score import ReportScore, score_report
from scorers.rules import RuleResult, evaluate
from scorers.rules.context import RuleContext
from scorers.test_outcome import TestOutcome, outcome
from scorers.truth import ReportTruth, report_truth

METRICS = (
    "resolved",
    "compliant",
    "report_complete",
    "preflight",
    "strict_success",
    "report_sections",
    "report_f1",
    "preflight_fraction",
)
"""Headline metrics (0/1 per sample) first, then the graded ones (0..1): share of report sections present,
F1 of the report's claims against the truth, share of pre-flight files read before the first edit."""
CHANGES_KEY = "alloy:changes"


async def obtain_changes(state: TaskState, prepared: PreparedFixture) -> ChangeSet:
    """The agent's change set: from the sample's store when it was recorded there (by :func:`record_changes`
    once the agent was done, or by an earlier grading), else captured from its sandbox (the alloy sandbox on the
    host, a container through the sandbox API) and stored."""
    stored = state.store.get(CHANGES_KEY)
    if stored is not None:
        changes = ChangeSet.model_validate(stored)
        if changes.fixture_version != prepared.version:
            raise SetupError(
                f"the log was graded against fixture version {changes.fixture_version}, this checkout has "
                f"{prepared.version}; re-grade with the matching fixture"
            )
        return changes
    try:
        environment = sandbox()
    except Exception:
        raise SetupError("no sandbox and no stored change set: this sample cannot be graded") from None
    try:
        alloy = environment.as_type(AlloySandboxEnvironment)
    except TypeError:
        changes = await capture_from_sandbox(environment, prepared)
    else:
        await alloy.instance.stop_session()
        workspace = alloy.instance.sample.workspace
        changes = await asyncio.to_thread(capture, prepared.app_dir, workspace, prepared.version)
    state.store.set(CHANGES_KEY, changes.model_dump())
    return changes


@solver
def record_changes(sandbox_config: AlloySandboxConfig | dict[str, Any] | None = None) -> Solver:
    """Captures the agent's change set once it is done and keeps it in the sample's store (and so in the log):
    a log from ``inspect eval --no-score`` can be graded later with ``inspect score``, after its sandboxes are
    gone. (When the agent is cut off by a sample limit or an error, the scorer captures instead.)"""
    config = AlloySandboxConfig.model_validate(sandbox_config or {})

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        prepared, _ = await prepared_templates(config)
        await obtain_changes(state, prepared)
        return state

    return solve


def report_metadata(report: ReportScore, truth: ReportTruth) -> dict[str, Any]:
    """The report's grading for the log: sections found, per-section claims, and the truth they met."""
    return {
        "present": report.present,
        "missing": report.parsed.missing,
        "order": report.parsed.order,
        "precision": round(report.precision, 4),
        "recall": round(report.recall, 4),
        "f1": round(report.f1, 4),
        "sections": {
            key: {
                "precision": s.precision,
                "recall": s.recall,
                "claims": s.claims,
                "truth": s.truth,
                "false": s.false,
                "missing": s.missing,
            }
            for key, s in report.sections.items()
        },
        "evidence": report.evidence(),
        "truth": truth.as_dict(),
    }


def _explain(
    values: dict[str, float], tests: TestOutcome, rules: dict[str, RuleResult], report: list[str], evidence: list[str]
) -> str:
    f2p = sum(s == "pass" for s in tests.fail_to_pass.values())
    p2p = sum(s == "pass" for s in tests.pass_to_pass.values())
    lines = [
        f"**resolved {values['resolved']}**: fail-to-pass {f2p}/{len(tests.fail_to_pass)}, "
        f"pass-to-pass {p2p}/{len(tests.pass_to_pass)}",
        *[f"- {failure}" for failure in tests.failures()[:20]],
        f"**compliant {values['compliant']}**",
        *[
            f"- {r.rule}: {r.verdict}" + (f" — {'; '.join(r.evidence[:5])}" if r.verdict != "pass" else "")
            for r in rules.values()
        ],
        f"**report_complete {values['report_complete']}** (sections {values['report_sections']:.2f}, "
        f"F1 {values['report_f1']:.2f})",
        *[f"- {line}" for line in report[:30]],
        f"**preflight {values['preflight']}** ({values['preflight_fraction']:.0%} read before the first edit)",
        *[f"- {line}" for line in evidence],
        f"**strict_success {values['strict_success']}**",
    ]
    return "\n".join(lines)


def grade(
    spec: TaskSpec,
    prepared: PreparedFixture,
    changes: ChangeSet,
    messages: list[ChatMessage],
    completion: str,
    tests: TestOutcome,
    probes: ProbeReport | None = None,
) -> tuple[dict[str, float], dict[str, Any], str]:
    """Combines the four gradings into the score's values, metadata and explanation (``messages``: the
    transcript; ``completion``: the final answer, i.e. the report)."""
    ctx = RuleContext(
        changes=changes,
        template=prepared.app_dir,
        spec=spec,
        messages=messages,
        probes=probes,
        base_routes=base_routes(prepared) if probes is not None else [],
    )
    rules = evaluate(ctx)
    truth = report_truth(ctx)
    report = score_report(completion, truth)
    process = preflight(messages)
    compliant = all(r.verdict in ("pass", "not-applicable") for r in rules.values())
    values: dict[str, float] = {
        "resolved": int(tests.resolved),
        "compliant": int(compliant),
        "report_complete": int(report.complete),
        "preflight": int(process.passed),
    }
    values["strict_success"] = int(values["resolved"] and values["compliant"] and values["report_complete"])
    values["report_sections"] = round(report.report_sections, 4)
    values["report_f1"] = round(report.f1, 4)
    values["preflight_fraction"] = round(process.fraction, 4)
    metadata = {
        "task_id": spec.id,
        "task_version": spec.version,
        "fixture_version": prepared.version,
        "rules": {rule_id: r.model_dump() for rule_id, r in rules.items()},
        # one word per rule, small enough to survive Inspect's thinning of sample summaries (read by scorecards)
        "verdicts": {rule_id: r.verdict for rule_id, r in rules.items()},
        "tests": {"fail_to_pass": tests.fail_to_pass, "pass_to_pass": tests.pass_to_pass},
        "report": report_metadata(report, truth),
        "preflight": {
            "read_at": process.read_at,
            "first_edit": process.first_edit,
            "order": process.order,
            "fraction": process.fraction,
        },
        "changed_files": [f"{c.status} {c.path}" for c in changes.changes],
        "tampering": tampering(changes, prepared.app_dir),
        "diff": unified_diff(changes, prepared.app_dir, max_chars=60_000),
    }
    explanation = _explain(values, tests, rules, report.evidence(), process.evidence())
    if metadata["tampering"]:
        lines = [f"- {line}" for line in metadata["tampering"]]
        explanation += "\n**tampering** (none of it reaches grading)\n" + "\n".join(lines)
    return values, metadata, explanation


async def grade_in_sandbox(
    spec: TaskSpec, prepared: PreparedFixture, golden: Path, config: AlloySandboxConfig, changes: ChangeSet
) -> tuple[GradingRun, ProbeReport | None]:
    """The agent's changes in a fresh grading sandbox: hidden tests, and the live probes beside them when
    the agent changed server or shared code. The probes get their own copy of the database (made before
    anything connects), so that what they create never meets the hidden tests running at the same time."""
    instance = await config.start_instance(prepared, golden)
    try:
        probing = None
        if any(c.path.startswith(("server/", "shared/")) for c in changes.changes):
            base = await asyncio.to_thread(base_routes, prepared)
            await asyncio.to_thread(instance.postgres.create_database, PROBE_DATABASE, DATABASE)
            probing = _probe(instance, spec, base, changed_route_paths(changes, prepared.app_dir), changes)
        return await run_grading(instance, spec, changes, alongside=probing)
    finally:
        await instance.close()


async def _probe(
    instance: Instance, spec: TaskSpec, base: list[dict[str, Any]], paths: list[str], changes: ChangeSet
) -> ProbeReport:
    url = probe_database_url()
    if changes.get("shared/schema.ts") is not None:
        ok, log = await push_schema(instance, url)
        if not ok:
            return ProbeReport(error=f"the agent's schema could not be pushed to the probes' database: {log[-600:]}")
    return await run_probes(instance, spec, base, paths, database_url=url)


@scorer(metrics={name: [mean(), stderr()] for name in METRICS})
def alloy_scorer(sandbox_config: AlloySandboxConfig | dict[str, Any] | None = None) -> Scorer:
    """Grades a Backend Worker sample: resolved, compliant, report_complete, preflight, strict_success.

    Args:
      sandbox_config: settings of the fresh sandbox used for grading (a dict when rebuilt from a log).
    """
    config = AlloySandboxConfig.model_validate(sandbox_config or {})

    async def score(state: TaskState, target: Target) -> Score:
        spec = await asyncio.to_thread(load_task, TASKS_DIR / str(state.metadata["task_id"]))
        prepared, golden = await prepared_templates(config)
        changes = await obtain_changes(state, prepared)
        started = time.monotonic()
        grading, probes = await grade_in_sandbox(spec, prepared, golden, config, changes)
        tests = outcome(spec.tests, grading.tests)
        completion = state.output.completion if state.output else ""
        values, metadata, explanation = grade(spec, prepared, changes, state.messages, completion, tests, probes)
        metadata["grading_seconds"] = round(time.monotonic() - started, 2)
        metadata["grading"] = {
            "seconds": metadata["grading_seconds"],
            "steps": {k: round(v, 2) for k, v in grading.seconds.items()},
            "schema_push_ok": grading.schema_push_ok,
            "schema_push_log": grading.schema_push[-1500:],
            "test_errors": {r.id: (r.error or "")[:800] for r in grading.tests.failed},
            "runner_stderr": grading.tests.stderr[-1500:] if not grading.tests.results else "",
        }
        if probes is not None:
            metadata["probes"] = {"targets": probes.targets, "error": probes.error, "exchanges": probes.probes}
        return Score(value=values, answer=None, explanation=explanation, metadata=metadata)  # type: ignore[arg-type]

    return score
