"""Measures the grading of one sample as the scorer does it: a fresh sandbox, the agent's changes applied
(here each task's reference solution), the hidden tests with the live probes beside them, then every rule and
the report against the truth.

    .venv/bin/python benchmarks/grading.py [--repeats 3]

Prints per task the median, min and max seconds, and the median over all runs (target: within 6 s).
Numbers swing with the machine's load; run it on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from evals.sandbox.provider import AlloySandboxConfig, prepared_templates
from evals.task_spec import load_tasks
from scorers.alloy_scorer import grade_in_sandbox
from scorers.corpus import changes_from_patch
from scorers.probes import base_routes
from scorers.report_score import score_report
from scorers.rules import evaluate
from scorers.rules.context import RuleContext
from scorers.truth import report_truth


async def main(repeats: int) -> None:
    config = AlloySandboxConfig()
    prepared, golden = await prepared_templates(config)
    base = base_routes(prepared)
    everything: list[float] = []
    print(f"grading, sandbox mode {config.resolved_mode()}, fixture {prepared.version}, {repeats} run(s) per task")
    for spec in load_tasks("all"):
        changes = changes_from_patch(spec.solution_patch.read_text(), prepared.app_dir, prepared.version)
        runs, rules_s = [], []
        for _ in range(repeats):
            start = time.perf_counter()
            grading, probes = await grade_in_sandbox(spec, prepared, golden, config, changes)
            ruled = time.perf_counter()
            ctx = RuleContext(changes=changes, template=prepared.app_dir, spec=spec, probes=probes, base_routes=base)
            verdicts = evaluate(ctx)
            report = score_report(spec.solution_report.read_text(), report_truth(ctx))
            end = time.perf_counter()
            runs.append(end - start)
            rules_s.append(end - ruled)
            failing = sorted(r for r, v in verdicts.items() if v.verdict not in ("pass", "not-applicable"))
            assert grading.tests.results, f"{spec.id}: the hidden tests produced no results"
            assert not failing, f"{spec.id}: reference solution not compliant: {failing}"
            assert report.complete, f"{spec.id}: reference report not complete: {report.evidence()}"
        everything += runs
        steps = ", ".join(f"{k} {v:.2f}s" for k, v in grading.seconds.items())
        print(
            f"{spec.id:<24} median {statistics.median(runs):5.2f} s  min {min(runs):5.2f}  max {max(runs):5.2f}"
            f"   (last run: {steps}; rules and report {statistics.median(rules_s):.2f}s)"
        )
    print(f"{'all samples':<24} median {statistics.median(everything):5.2f} s  (n={len(everything)})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    asyncio.run(main(parser.parse_args().repeats))
