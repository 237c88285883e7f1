"""Real Inspect log files of made-up alloy-bench samples, for exercising and timing the scorecards at any
size without running agents (``benchmarks/scorecard.py``, the scorecard tests)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from inspect_ai.log import (
    EvalConfig,
    EvalDataset,
    EvalError,
    EvalLog,
    EvalPlan,
    EvalResults,
    EvalSample,
    EvalSpec,
    EvalStats,
    write_eval_log,
)
from inspect_ai.model import ModelOutput, ModelUsage
from inspect_ai.scorer import Score

from scorers.alloy_scorer import METRICS

RULES = (
    "auth-required",
    "drizzle-only",
    "error-format",
    "file-naming",
    "folder-ownership",
    "no-any",
    "no-client-edits",
    "no-hardcoded-secrets",
    "no-integration-edits",
    "no-new-auth",
    "no-new-deps",
    "pg-driver",
    "schema-conventions",
    "success-format",
    "zod-validation",
)
CATEGORIES = ("feature", "bugfix", "schema", "integration", "refactor", "security")
DIFFICULTIES = ("easy", "medium", "hard")


@dataclass
class SampleSpec:
    """One made-up sample: its task, epoch, 0/1 outcomes and rule verdicts (``error`` makes it errored)."""

    task_id: str
    epoch: int
    resolved: int = 1
    report_complete: int = 1
    preflight: int = 1
    verdicts: dict[str, str] = field(default_factory=dict)
    category: str = "feature"
    difficulty: str = "medium"
    error: str | None = None
    tokens: int = 0
    cost: float | None = None


def values(spec: SampleSpec) -> dict[str, float]:
    compliant = int(all(v in ("pass", "not-applicable") for v in spec.verdicts.values()))
    out = {
        "resolved": spec.resolved,
        "compliant": compliant,
        "report_complete": spec.report_complete,
        "preflight": spec.preflight,
    }
    out["strict_success"] = int(spec.resolved and compliant and spec.report_complete)
    out["report_sections"] = float(spec.report_complete)
    out["report_f1"] = 0.9 if spec.report_complete else 0.4
    out["preflight_fraction"] = float(spec.preflight)
    assert set(out) == set(METRICS)
    return out


def write_log(
    path: Path, model: str, samples: list[SampleSpec], prompt: str = "backend-worker", epochs: int = 1
) -> Path:
    """Writes an Inspect ``.eval`` log of ``samples`` for ``model`` and prompt variant ``prompt``."""
    ids = sorted({s.task_id for s in samples})
    spec = EvalSpec(
        created="2026-11-27T00:00:00+00:00",
        task="alloy_bench",
        dataset=EvalDataset(name="alloy-bench", samples=len(ids), sample_ids=ids),
        model=model,
        config=EvalConfig(epochs=epochs),
        metadata={
            "prompt_variant": prompt,
            "prompt_sha256": f"sha-{prompt}",
            "fixture_version": "synthetic",
            "task_set_sha256": "synthetic",
            "scorer_version": "synthetic",
        },
    )
    rows = []
    for s in samples:
        usage = ModelUsage(input_tokens=s.tokens, output_tokens=0, total_tokens=s.tokens, total_cost=s.cost)
        sample = EvalSample(
            id=s.task_id,
            epoch=s.epoch,
            input="request",
            target="",
            metadata={
                "task_id": s.task_id,
                "task_version": 1,
                "category": s.category,
                "difficulty": s.difficulty,
                "prompt_variant": prompt,
            },
            output=ModelOutput.from_content(model, "report"),
            model_usage={model: usage},
            total_time=10.0,
            working_time=9.0,
        )
        if s.error is not None:
            sample.error = EvalError(message=s.error, traceback="", traceback_ansi="")
        else:
            sample.scores = {
                "alloy_scorer": Score(value=values(s), metadata={"verdicts": s.verdicts, "grading_seconds": 4.5})
            }
        rows.append(sample)
    log = EvalLog(
        eval=spec,
        plan=EvalPlan(),
        results=EvalResults(total_samples=len(rows), completed_samples=len(rows)),
        stats=EvalStats(),
        status="success",
        samples=rows,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    write_eval_log(log, str(path))
    return path


def random_samples(
    tasks: int, epochs: int, seed: int, p_resolve: float = 0.7, p_violation: float = 0.1
) -> list[SampleSpec]:
    """Made-up samples over ``tasks`` tasks × ``epochs`` epochs, with task difficulty shared by its epochs."""
    rng = random.Random(seed)
    out = []
    for t in range(tasks):
        ease = rng.uniform(-0.25, 0.25)
        for epoch in range(1, epochs + 1):
            verdicts = {r: rng.choice(["pass", "not-applicable"]) for r in RULES}
            for rule in rng.sample(RULES, 2):
                if rng.random() < p_violation:
                    verdicts[rule] = "fail"
            out.append(
                SampleSpec(
                    task_id=f"task-{t:03d}",
                    epoch=epoch,
                    resolved=int(rng.random() < p_resolve + ease),
                    report_complete=int(rng.random() < 0.9),
                    preflight=int(rng.random() < 0.8),
                    verdicts=verdicts,
                    category=CATEGORIES[t % len(CATEGORIES)],
                    difficulty=DIFFICULTIES[t % 3],
                    tokens=rng.randint(5_000, 90_000),
                    cost=round(rng.uniform(0.01, 0.4), 4),
                )
            )
    return out
