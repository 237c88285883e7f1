"""The scorecard's figures (matplotlib, rendered off-screen to PNG bytes): headline metrics with their 95%
intervals per run, a rule × run heatmap of violation rates, and strict success per task category."""

from __future__ import annotations

import io
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from scorecards.tables import BINARY  # noqa: E402


def label(group: dict[str, Any]) -> str:
    return f"{group['model']} · {group['prompt']}"


def _png(fig: plt.Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def _bars(ax: plt.Axes, names: list[str], groups: list[dict[str, Any]], cells: list[list[dict[str, Any]]]) -> None:
    """Grouped bars: one cluster per name, one bar per group, with interval whiskers where known."""
    width = 0.8 / max(1, len(groups))
    x = np.arange(len(names))
    for i, group in enumerate(groups):
        means = [c.get("mean") if c.get("mean") is not None else 0.0 for c in cells[i]]
        low = [
            max(0.0, m - (c["low"] if c.get("low") is not None else m)) for m, c in zip(means, cells[i], strict=True)
        ]
        high = [
            max(0.0, (c["high"] if c.get("high") is not None else m) - m) for m, c in zip(means, cells[i], strict=True)
        ]
        ax.bar(x + (i - (len(groups) - 1) / 2) * width, means, width, yerr=[low, high], capsize=3, label=label(group))
    ax.set_xticks(x, names, rotation=20, ha="right")
    ax.set_ylim(0, 1.05)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=2)


def headline(card: dict[str, Any]) -> bytes:
    groups = card["groups"]
    fig, ax = plt.subplots(figsize=(8, 4.2))
    _bars(ax, list(BINARY), groups, [[g["intervals"][m] for m in BINARY] for g in groups])
    ax.set_ylabel("share of samples (95% CI)")
    ax.set_title("Headline metrics per run")
    return _png(fig)


def rule_heatmap(card: dict[str, Any]) -> bytes:
    groups = card["groups"]
    rules = sorted({r for g in groups for r in g["rules"]})
    matrix = np.full((len(rules), len(groups)), np.nan)
    for j, group in enumerate(groups):
        for i, rule in enumerate(rules):
            cell = group["rules"].get(rule)
            if cell and cell["rate"] is not None:
                matrix[i, j] = cell["rate"]
    fig, ax = plt.subplots(figsize=(2.2 + 1.6 * len(groups), 0.9 + 0.38 * max(1, len(rules))))
    cmap = plt.get_cmap("Reds").with_extremes(bad="#eeeeee")
    image = ax.imshow(np.ma.masked_invalid(matrix), cmap=cmap, vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(groups)), [label(g) for g in groups], rotation=25, ha="right", fontsize=8)
    ax.set_yticks(range(len(rules)), rules, fontsize=8)
    for i in range(len(rules)):
        for j in range(len(groups)):
            text = "n/a" if np.isnan(matrix[i, j]) else f"{matrix[i, j]:.2f}"
            ax.text(j, i, text, ha="center", va="center", fontsize=7, color="black")
    fig.colorbar(image, ax=ax, label="violation rate")
    ax.set_title("Rule violation rate (where the rule applied)")
    return _png(fig)


def categories(card: dict[str, Any]) -> bytes:
    groups = card["groups"]
    names = sorted({c for g in groups for c in g["by_category"]})
    fig, ax = plt.subplots(figsize=(8, 4.2))
    empty = {"mean": None, "low": None, "high": None}
    cells = [[g["by_category"].get(c, {}).get("strict_success", empty) for c in names] for g in groups]
    _bars(ax, names, groups, cells)
    ax.set_ylabel("strict success (95% CI)")
    ax.set_title("Strict success per task category")
    return _png(fig)


FIGURES = {"headline": headline, "rules": rule_heatmap, "categories": categories}
ALT = {
    "headline": "Headline metrics with 95% intervals per run",
    "rules": "Heatmap of rule violation rates per run",
    "categories": "Strict success per task category per run",
}


def render_all(card: dict[str, Any]) -> dict[str, bytes]:
    """Every figure of the scorecard as PNG bytes, by name (none when no run has graded samples)."""
    if not any(g["n"] for g in card["groups"]):
        return {}
    return {name: draw(card) for name, draw in FIGURES.items()}
