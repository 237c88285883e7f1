"""Paired comparison of two runs (baseline vs candidate: two models, or two prompt variants) and the gate.

Samples are paired by (task, epoch). A sample without a partner — missing on the other side, errored on
either side, or run on another version of the task — is named in ``unpaired`` with the reason, never dropped
silently. For each metric the comparison gives both means over the pairs, the mean difference
(candidate − baseline) with a cluster-bootstrap 95% interval (tasks resampled), and a p-value: exact McNemar
for the 0/1 metrics and the per-rule pass rates, a sign-flip permutation test for the fractions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from evals.errors import SetupError
from scorecards import stats
from scorecards.compare_text import signed
from scorecards.load import Results
from scorecards.tables import BINARY
from scorers.alloy_scorer import METRICS

PAIR = ["task_id", "epoch"]


def single_group(results: Results, side: str) -> tuple[str, str]:
    groups = results.groups()
    if len(groups) != 1:
        listed = ", ".join(f"{m} / {p}" for m, p in groups)
        raise SetupError(
            f"the {side} logs hold {len(groups)} (model, prompt) runs ({listed}); "
            f"give a log file or directory with exactly one run per side"
        )
    return groups[0]


def _unpaired(base: Results, cand: Results, merged: pd.DataFrame) -> list[dict[str, Any]]:
    paired = set(map(tuple, merged[PAIR].to_numpy().tolist()))
    out = []
    for side, own, other in (("baseline", base, cand), ("candidate", cand, base)):
        other_graded = set(map(tuple, other.samples[PAIR].to_numpy().tolist()))
        other_errored = set(map(tuple, other.errors[PAIR].to_numpy().tolist()))
        for row in own.samples.itertuples():
            key = (row.task_id, row.epoch)
            if key in paired:
                continue
            if key in other_errored:
                reason = "errored on the other side"
            elif key in other_graded:
                reason = "another task version on the other side"
            else:
                reason = "missing on the other side"
            out.append({"side": side, "task_id": row.task_id, "epoch": int(row.epoch), "reason": reason})
        for row in own.errors.itertuples():
            out.append({"side": side, "task_id": row.task_id, "epoch": int(row.epoch), "reason": "errored"})
    return sorted(out, key=lambda u: (u["task_id"], u["epoch"], u["side"]))


def _row(base: list[float], cand: list[float], clusters: list[str], binary: bool) -> dict[str, Any]:
    """Both means over the pairs, the mean difference with its interval, and the paired test's p-value."""
    diffs = [y - x for x, y in zip(base, cand, strict=True)]
    diff = stats.paired_difference(diffs, clusters)
    row = {
        "baseline": sum(base) / len(base),
        "candidate": sum(cand) / len(cand),
        "difference": diff.mean,
        "low": diff.low,
        "high": diff.high,
        "pairs": len(base),
    }
    if not binary:
        return {**row, "p": stats.sign_flip_p(diffs, clusters), "test": "sign-flip permutation"}
    worse, better = sum(1 for d in diffs if d < 0), sum(1 for d in diffs if d > 0)
    return {**row, "worse": worse, "better": better, "p": stats.mcnemar_exact(worse, better), "test": "exact McNemar"}


def _rules(merged: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Per rule, over the pairs where it was scored on both sides: pass rates and their change."""
    rules = sorted({r for v in merged["verdicts_base"] for r in v} | {r for v in merged["verdicts_cand"] for r in v})
    out = {}
    for rule in rules:
        base, cand, clusters = [], [], []
        for task, vb, vc in zip(merged["task_id"], merged["verdicts_base"], merged["verdicts_cand"], strict=True):
            b, c = vb.get(rule), vc.get(rule)
            if b in ("pass", "fail") and c in ("pass", "fail"):
                base.append(float(b == "pass"))
                cand.append(float(c == "pass"))
                clusters.append(task)
        if base:
            row = _row(base, cand, clusters, binary=True)
            out[rule] = {
                "violation_rate_baseline": 1 - row["baseline"],
                "violation_rate_candidate": 1 - row["candidate"],
                **row,
            }
    return out


def _tasks(merged: pd.DataFrame, metric: str) -> list[dict[str, Any]]:
    moved = []
    for task, part in merged.groupby("task_id", sort=True):
        base, cand = part[f"{metric}_base"].mean(), part[f"{metric}_cand"].mean()
        if base == cand:
            continue
        rules = sorted(
            rule
            for vb, vc in zip(part["verdicts_base"], part["verdicts_cand"], strict=True)
            for rule in set(vb) | set(vc)
            if vb.get(rule) != vc.get(rule) and "fail" in (vb.get(rule), vc.get(rule))
        )
        moved.append(
            {
                "task_id": task,
                "baseline": base,
                "candidate": cand,
                "difference": cand - base,
                "rules": sorted(set(rules)),
            }
        )
    return sorted(moved, key=lambda t: (t["difference"], t["task_id"]))


def compare(base: Results, cand: Results, tasks_metric: str = "strict_success") -> dict[str, Any]:
    """The paired comparison of two single-run results (see the module docstring)."""
    base_group, cand_group = single_group(base, "baseline"), single_group(cand, "candidate")
    columns = [*PAIR, "task_version", "verdicts", *METRICS]
    merged = base.samples[columns].merge(
        cand.samples[columns], on=[*PAIR, "task_version"], suffixes=("_base", "_cand"), how="inner"
    )
    unpaired = _unpaired(base, cand, merged)
    if merged.empty:
        raise SetupError(
            "no sample of the baseline pairs with one of the candidate (same task, version and epoch): "
            "were both runs made on the same tasks?"
        )
    clusters = merged["task_id"].tolist()
    metrics = {}
    for metric in METRICS:
        b, c = merged[f"{metric}_base"].tolist(), merged[f"{metric}_cand"].tolist()
        metrics[metric] = _row(b, c, clusters, binary=metric in BINARY)
    rules = _rules(merged)
    moved_rules = sorted(
        (r for r, row in rules.items() if row["worse"] or row["better"]),
        key=lambda r: (rules[r]["difference"], rules[r]["p"], r),
    )
    return {
        "baseline": {"model": base_group[0], "prompt": base_group[1]},
        "candidate": {"model": cand_group[0], "prompt": cand_group[1]},
        "pairs": len(merged),
        "tasks": int(merged["task_id"].nunique()),
        "metrics": metrics,
        "rules": rules,
        "rules_moved": moved_rules,
        "tasks_moved": _tasks(merged, tasks_metric),
        "unpaired": unpaired,
    }


@dataclass(frozen=True)
class GateResult:
    failed: bool
    line: str
    data: dict[str, Any]


def _fmt_p(p: float) -> str:
    return f"{p:.2g}" if p >= 0.001 else f"{p:.1e}"


def gate(comparison: dict[str, Any], metric: str, max_drop: float, alpha: float) -> GateResult:
    """Fails only for a drop of ``metric`` that is both larger than ``max_drop`` and significant at ``alpha``.

    ``metric`` is one of the scorecard metrics or a rule id (then its pass rate over the pairs where it was
    scored on both sides).
    """
    if metric in comparison["metrics"]:
        row = comparison["metrics"][metric]
    elif metric in comparison["rules"]:
        row = comparison["rules"][metric]
    else:
        known = ", ".join([*comparison["metrics"], *comparison["rules"]])
        raise SetupError(f"unknown gate metric {metric!r}; choose a metric or a rule id: {known}")
    drop = row["baseline"] - row["candidate"]
    significant = row["p"] < alpha
    failed = drop > max_drop and significant
    worse = [r for r in comparison["rules_moved"] if comparison["rules"][r]["difference"] < 0]
    named = [r for r in worse if comparison["rules"][r]["p"] < alpha] or worse[:3]
    moved = [(r, comparison["rules"][r]) for r in named]
    rules = [
        f"{r} {row['violation_rate_baseline']:.2f}→{row['violation_rate_candidate']:.2f} (p = {_fmt_p(row['p'])})"
        for r, row in moved
    ]
    verdict = "FAILED" if failed else "passed"
    line = (
        f"gate {verdict}: {metric} {row['baseline']:.2f} → {row['candidate']:.2f} (change {signed(-drop)}, "
        f"95% CI [{signed(row['low'])}, {signed(row['high'])}], {row['test']} p = {_fmt_p(row['p'])}, "
        f"{row['pairs']} pairs); "
    )
    if failed:
        line += f"a significant drop larger than {max_drop:g}"
    elif drop > max_drop:
        line += f"the drop is larger than {max_drop:g} but not significant at alpha {alpha:g}"
    else:
        line += f"no drop larger than {max_drop:g}"
    if rules:
        line += "; rule violations up: " + ", ".join(rules)
    elif failed:
        line += "; no rule's violation rate rose (the drop is in the tests or the report)"
    data = {
        "failed": failed,
        "metric": metric,
        "max_drop": max_drop,
        "alpha": alpha,
        "drop": drop,
        "significant": significant,
        **{k: row[k] for k in ("baseline", "candidate", "low", "high", "p", "test", "pairs")},
        "rules_worse": worse,
        "rules_significant": [r for r in worse if comparison["rules"][r]["p"] < alpha],
        "baseline_run": comparison["baseline"],
        "candidate_run": comparison["candidate"],
        "unpaired": len(comparison["unpaired"]),
        "line": line,
    }
    return GateResult(failed, line, data)
