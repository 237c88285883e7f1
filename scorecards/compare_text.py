"""The paired comparison as text for the terminal (``alloy-bench compare``)."""

from __future__ import annotations

from typing import Any


def _p(p: float) -> str:
    return f"{p:.3f}" if p >= 0.001 else f"{p:.1e}"


def signed(value: float) -> str:
    """A signed difference to two places, never "-0.00" (a rounded zero or a negative zero has no sign)."""
    text = f"{value:+.2f}"
    return "0.00" if text in ("+0.00", "-0.00") else text


def _ci(row: dict[str, Any]) -> str:
    if row["low"] is None:
        return "—"
    return f"[{signed(row['low'])}, {signed(row['high'])}]"


def render(c: dict[str, Any]) -> str:
    base, cand = c["baseline"], c["candidate"]
    lines = [
        f"baseline:  {base['model']} · {base['prompt']}",
        f"candidate: {cand['model']} · {cand['prompt']}",
        f"{c['pairs']} pairs over {c['tasks']} tasks (paired by task and epoch)",
        "",
        f"{'metric':<20} {'baseline':>8} {'candidate':>9} {'change':>7}  {'95% CI':<16} {'p':>8}  test",
    ]
    for name, row in c["metrics"].items():
        lines.append(
            f"{name:<20} {row['baseline']:>8.2f} {row['candidate']:>9.2f} {signed(row['difference']):>7}  "
            f"{_ci(row):<16} {_p(row['p']):>8}  {row['test']}"
        )
    lines += ["", "rules that moved (violation rate, worst first):"]
    if not c["rules_moved"]:
        lines.append("  none")
    for rule in c["rules_moved"]:
        row = c["rules"][rule]
        lines.append(
            f"  {rule:<22} {row['violation_rate_baseline']:.2f} → {row['violation_rate_candidate']:.2f}  "
            f"({row['worse']} pairs worse, {row['better']} better, McNemar p = {_p(row['p'])})"
        )
    lines += ["", "tasks that moved (strict success, worst first):"]
    if not c["tasks_moved"]:
        lines.append("  none")
    for task in c["tasks_moved"]:
        rules = f"  rules: {', '.join(task['rules'])}" if task["rules"] else ""
        lines.append(f"  {task['task_id']:<32} {task['baseline']:.2f} → {task['candidate']:.2f}{rules}")
    lines += ["", f"unpaired samples: {len(c['unpaired'])}"]
    for u in c["unpaired"]:
        lines.append(f"  {u['side']:<9} {u['task_id']} epoch {u['epoch']}: {u['reason']}")
    return "\n".join(lines) + "\n"
