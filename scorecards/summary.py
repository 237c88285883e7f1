"""The first scorecard: per (model, prompt variant) the mean of each headline metric, and per sample the
values and rule verdicts. Samples that errored (infrastructure, not the agent) are counted separately and
never as failures.

JSON shape (stable; users script on it)::

    {"groups": [{"model", "prompt", "n", "errors", "metrics": {name: mean}}],
     "samples": [{"model", "prompt", "task_id", "epoch", "resolved", "compliant", "report_complete",
                  "preflight", "strict_success", "report_sections", "report_f1", "preflight_fraction",
                  "rules": {rule_id: 1 | 0 | null}}]}

The first five metrics are 0/1 per sample; ``report_sections``, ``report_f1`` and ``preflight_fraction``
are fractions in 0..1.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from inspect_ai.log import EvalLog, list_eval_logs, read_eval_log

from scorers.alloy_scorer import METRICS

SCORER = "alloy_scorer"


def _logs(paths: Iterable[str | Path]) -> Iterable[EvalLog]:
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for info in list_eval_logs(str(path), recursive=True):
                yield read_eval_log(info.name)
        else:
            yield read_eval_log(str(path))


def sample_rows(paths: Iterable[str | Path]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(graded sample rows, errored sample rows) from logs or log directories."""
    rows, errors = [], []
    for log in _logs(paths):
        model = log.eval.model
        prompt = str((log.eval.metadata or {}).get("prompt_variant", "unknown"))
        for sample in log.samples or []:
            base = {"model": model, "prompt": prompt, "task_id": str(sample.id), "epoch": sample.epoch}
            score = (sample.scores or {}).get(SCORER)
            if sample.error is not None or score is None or not isinstance(score.value, dict):
                errors.append({**base, "error": str(sample.error.message if sample.error else "not scored")[:300]})
                continue
            rules = (score.metadata or {}).get("rules", {})
            rows.append(
                {
                    **base,
                    **{name: float(score.value.get(name, 0)) for name in METRICS},  # type: ignore[union-attr]
                    "rules": {
                        rule_id: {"pass": 1, "fail": 0}.get(r["verdict"]) for rule_id, r in sorted(rules.items())
                    },
                }
            )
    return rows, errors


def scorecard(paths: Iterable[str | Path]) -> dict[str, Any]:
    rows, errors = sample_rows(paths)
    keys = sorted({(r["model"], r["prompt"]) for r in rows} | {(e["model"], e["prompt"]) for e in errors})
    groups = []
    for model, prompt in keys:
        members = [r for r in rows if (r["model"], r["prompt"]) == (model, prompt)]
        failed = [e for e in errors if (e["model"], e["prompt"]) == (model, prompt)]
        metrics = {name: (sum(r[name] for r in members) / len(members) if members else None) for name in METRICS}
        groups.append({"model": model, "prompt": prompt, "n": len(members), "errors": len(failed), "metrics": metrics})
    rows.sort(key=lambda r: (r["model"], r["prompt"], r["task_id"], r["epoch"]))
    return {"groups": groups, "samples": rows}


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def to_markdown(card: dict[str, Any]) -> str:
    header = ["model", "prompt", "n", *METRICS]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for g in card["groups"]:
        cells = [g["model"], g["prompt"], str(g["n"]) + (f" (+{g['errors']} errored)" if g["errors"] else "")]
        lines.append("| " + " | ".join(cells + [_fmt(g["metrics"][m]) for m in METRICS]) + " |")
    if card["samples"]:
        rule_ids = sorted({rule for s in card["samples"] for rule in s["rules"]})
        lines += ["", "| model | task | epoch | " + " | ".join(METRICS) + " | failed rules |"]
        lines.append("|" + "---|" * (len(METRICS) + 4))
        for s in card["samples"]:
            failed = [rule for rule in rule_ids if s["rules"].get(rule) == 0]
            values = [f"{s[m]:g}" for m in METRICS]
            lines.append(
                f"| {s['model']} | {s['task_id']} | {s['epoch']} | "
                + " | ".join(values)
                + f" | {', '.join(failed) or '—'} |"
            )
    return "\n".join(lines) + "\n"


def render(card: dict[str, Any], fmt: str) -> str:
    return json.dumps(card, indent=2) + "\n" if fmt == "json" else to_markdown(card)
