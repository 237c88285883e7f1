"""The scorecard: per (model, prompt variant) the headline metrics with 95% intervals, pass^k over epochs,
per-rule violation rates, per-category and per-difficulty breakdowns, usage, and errors counted apart.

JSON shape (``schema`` 2; the keys of schema 1 keep their meaning, so scripts written for it still work)::

    {"schema": 2, "meta": {...},
     "groups": [  # best first (see RANKING)
{"model", "prompt", "n", "tasks", "epochs", "errors",
                 "metrics": {name: mean}, "intervals": {name: {"mean", "low", "high", "n", "clusters", "method"}},
                 "pass_k": {"strict_success": {"1": p, "2": p, ...}},
                 "rules": {rule_id: {"violations", "applicable", "unscored", "rate", "low", "high"}},
                 "by_category": {category: {"n", "strict_success": {...}, ...}}, "by_difficulty": {...},
                 "usage": {"tokens_mean", "tokens_total", "cost_total", "time_mean", "time_median",
                           "grading_seconds_median"}}],
     "errors": [{"model", "prompt", "task_id", "epoch", "error"}],
     "samples": [{"model", "prompt", "task_id", "epoch", "category", "difficulty", <metrics>,
                  "rules": {rule_id: 1 | 0 | null}}]}
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from scorecards import stats
from scorecards.load import Results
from scorers.alloy_scorer import METRICS

BINARY = ("strict_success", "resolved", "compliant", "report_complete", "preflight")
FRACTIONS = tuple(m for m in METRICS if m not in BINARY)
BREAKDOWN = ("strict_success", "resolved", "compliant")
SCHEMA = 2


def estimate(frame: pd.DataFrame, metric: str) -> stats.Estimate:
    clusters = frame["task_id"].tolist()
    if metric in BINARY:
        return stats.rate(frame[metric].tolist(), clusters)
    return stats.bootstrap_mean(frame[metric].tolist(), clusters)


def pass_k(frame: pd.DataFrame, metric: str = "strict_success") -> dict[str, float]:
    """pass^k for k = 1 .. the fewest epochs any task has, averaged over tasks."""
    if frame.empty:
        return {}
    per_task = frame.groupby("task_id")[metric].agg(["sum", "count"])
    top = int(per_task["count"].min())
    return {
        str(k): float(np.mean([stats.pass_hat_k(int(s), int(n), k) for s, n in per_task.itertuples(index=False)]))
        for k in range(1, top + 1)
    }


def rule_rates(frame: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Per rule: violations among the samples where it applied and was scored, with a 95% interval."""
    rules = sorted({rule for verdicts in frame["verdicts"] for rule in verdicts})
    out = {}
    for rule in rules:
        verdicts = [v.get(rule) for v in frame["verdicts"]]
        scored = [
            (task, 1.0 if v == "fail" else 0.0)
            for task, v in zip(frame["task_id"], verdicts, strict=True)
            if v in ("pass", "fail")
        ]
        est = stats.rate([x for _, x in scored], [t for t, _ in scored])
        out[rule] = {
            "violations": int(sum(x for _, x in scored)),
            "applicable": len(scored),
            "unscored": sum(v == "unscored" for v in verdicts),
            "rate": est.mean,
            "low": est.low,
            "high": est.high,
        }
    return out


def breakdown(frame: pd.DataFrame, column: str) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for value, part in frame.groupby(column, sort=True):
        out[str(value)] = {"n": len(part), **{m: estimate(part, m).as_dict() for m in BREAKDOWN}}
    return out


def usage(frame: pd.DataFrame) -> dict[str, float | None]:
    costs = frame["cost"].dropna()
    grading = frame["grading_seconds"].dropna()
    return {
        "tokens_mean": float(frame["total_tokens"].mean()) if len(frame) else None,
        "tokens_total": float(frame["total_tokens"].sum()),
        "cost_total": float(costs.sum()) if len(costs) else None,
        "time_mean": float(frame["total_time"].mean()) if len(frame) else None,
        "time_median": float(frame["total_time"].median()) if len(frame) else None,
        "grading_seconds_median": float(grading.median()) if len(grading) else None,
    }


def group_card(results: Results, model: str, prompt: str) -> dict[str, Any]:
    part = results.select(model, prompt)
    s = part.samples
    intervals = {m: estimate(s, m).as_dict() for m in METRICS}
    epochs = int(s.groupby("task_id")["epoch"].nunique().max()) if len(s) else 0
    return {
        "model": model,
        "prompt": prompt,
        "n": len(s),
        "tasks": int(s["task_id"].nunique()),
        "epochs": epochs,
        "errors": len(part.errors),
        "metrics": {m: intervals[m]["mean"] for m in METRICS},
        "intervals": intervals,
        "pass_k": {"strict_success": pass_k(s)} if len(s) else {},
        "rules": rule_rates(s) if len(s) else {},
        "by_category": breakdown(s, "category") if len(s) else {},
        "by_difficulty": breakdown(s, "difficulty") if len(s) else {},
        "usage": usage(s),
    }


def _distinct(values: pd.Series) -> list[Any]:
    return sorted({str(v) for v in values.dropna() if v is not None and str(v) != ""})


def meta(results: Results) -> dict[str, Any]:
    """The metadata block: what was run, on which versions of the fixture, tasks, scorer and prompts."""
    runs = results.runs
    models = {}
    for model, part in runs.groupby("model"):
        configs = [c for c in part["generate_config"] if c]
        models[str(model)] = {"generate_config": configs[0] if configs else {}}
    prompts = {str(p): _distinct(part["prompt_sha256"]) for p, part in runs.groupby("prompt")}
    return {
        "generated": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "run_dates": _distinct(runs["created"].str.slice(0, 10)),
        "logs": len(runs),
        "fixture_versions": _distinct(runs["fixture_version"]),
        "task_set_versions": _distinct(runs["task_set_sha256"]),
        "scorer_versions": _distinct(runs["scorer_version"]),
        "prompts": prompts,
        "models": models,
        "epochs": sorted({int(e) for e in runs["epochs"]}),
        "superseded_samples": results.superseded,
        "intervals": "95%: Wilson on the effective sample size for 0/1 metrics (design effect by task), "
        "cluster bootstrap over tasks for fractions",
    }


def _sample_row(row: pd.Series) -> dict[str, Any]:
    return {
        "model": row["model"],
        "prompt": row["prompt"],
        "task_id": row["task_id"],
        "epoch": int(row["epoch"]),
        "category": row["category"],
        "difficulty": row["difficulty"],
        **{m: float(row[m]) for m in METRICS},
        "rules": {rule: {"pass": 1, "fail": 0}.get(v) for rule, v in sorted(row["verdicts"].items())},
    }


RANKING = ("strict_success", "resolved", "compliant", "report_complete", "preflight", "report_f1")
"""Runs are listed best first: by strict success, then the work done (tests), compliance, report, process."""


def rank_key(group: dict[str, Any]) -> tuple[Any, ...]:
    means = [group["metrics"][m] if group["metrics"][m] is not None else -1.0 for m in RANKING]
    return (*(-m for m in means), group["model"], group["prompt"])


def build(results: Results) -> dict[str, Any]:
    """The whole scorecard of ``results`` (see the module docstring for its shape)."""
    groups = sorted((group_card(results, model, prompt) for model, prompt in results.groups()), key=rank_key)
    return {
        "schema": SCHEMA,
        "meta": meta(results),
        "groups": groups,
        "errors": [
            {"model": r.model, "prompt": r.prompt, "task_id": r.task_id, "epoch": int(r.epoch), "error": r.error}
            for r in results.errors.itertuples()
        ],
        "samples": [_sample_row(row) for _, row in results.samples.iterrows()],
    }
