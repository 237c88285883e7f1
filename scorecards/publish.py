"""Writes a scorecard as Markdown (figures as PNG files beside it), self-contained HTML (figures embedded),
JSON, or a Hugging Face ``datasets`` Dataset of the per-sample results (parquet)."""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

from scorecards import FORMATS
from scorecards.tables import BINARY, BREAKDOWN
from scorers.alloy_scorer import METRICS

DATASET_FILE = "samples.parquet"


def _num(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _ci(cell: dict[str, Any]) -> str:
    if cell.get("mean") is None:
        return "—"
    if cell.get("low") is None:
        return _num(cell["mean"])
    return f"{_num(cell['mean'])} [{_num(cell['low'])}, {_num(cell['high'])}]"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    escape = [[c.replace("|", "\\|") for c in row] for row in [header, *rows]]
    lines = ["| " + " | ".join(escape[0]) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in escape[1:]]


def _run(g: dict[str, Any]) -> str:
    return f"{g['model']} · {g['prompt']}"


def _headline(card: dict[str, Any]) -> list[str]:
    header = ["run", "n", "tasks", "epochs", "errors", *BINARY]
    rows = [
        [
            _run(g),
            str(g["n"]),
            str(g["tasks"]),
            str(g["epochs"]),
            str(g["errors"]),
            *[_ci(g["intervals"][m]) for m in BINARY],
        ]
        for g in card["groups"]
    ]
    return _table(header, rows)


def _graded(card: dict[str, Any]) -> list[str]:
    fractions = [m for m in METRICS if m not in BINARY]
    rows = [[_run(g), *[_ci(g["intervals"][m]) for m in fractions]] for g in card["groups"]]
    return _table(["run", *fractions], rows)


def _pass_k(card: dict[str, Any]) -> list[str]:
    ks = sorted({int(k) for g in card["groups"] for k in g["pass_k"].get("strict_success", {})})
    rows = [[_run(g), *[_num(g["pass_k"].get("strict_success", {}).get(str(k))) for k in ks]] for g in card["groups"]]
    return _table(["run", *[f"pass^{k}" for k in ks]], rows)


def _rules(card: dict[str, Any]) -> list[str]:
    rules = sorted({r for g in card["groups"] for r in g["rules"]})
    rows = []
    for rule in rules:
        cells = []
        for g in card["groups"]:
            r = g["rules"].get(rule)
            if not r or not r["applicable"]:
                cells.append("n/a")
                continue
            text = (
                f"{_ci({'mean': r['rate'], 'low': r['low'], 'high': r['high']})} ({r['violations']}/{r['applicable']})"
            )
            cells.append(text + (f", {r['unscored']} unscored" if r["unscored"] else ""))
        rows.append([f"`{rule}`", *cells])
    return _table(["rule", *[_run(g) for g in card["groups"]]], rows)


def _breakdown(card: dict[str, Any], key: str) -> list[str]:
    values = sorted({v for g in card["groups"] for v in g[key]})
    rows = []
    for g in card["groups"]:
        for v in values:
            cell = g[key].get(v)
            if cell:
                rows.append([_run(g), v, str(cell["n"]), *[_ci(cell[m]) for m in BREAKDOWN]])
    return _table(["run", key.removeprefix("by_"), "n", *BREAKDOWN], rows)


def _usage(card: dict[str, Any]) -> list[str]:
    rows = []
    for g in card["groups"]:
        u = g["usage"]
        cost = "not reported" if u["cost_total"] is None else f"${u['cost_total']:.2f}"
        rows.append(
            [
                _run(g),
                _num(u["tokens_mean"], 0),
                _num(u["tokens_total"], 0),
                cost,
                _num(u["time_mean"], 1),
                _num(u["time_median"], 1),
                _num(u["grading_seconds_median"], 1),
            ]
        )
    header = [
        "run",
        "tokens / sample",
        "tokens total",
        "cost",
        "time mean (s)",
        "time median (s)",
        "grading median (s)",
    ]
    return _table(header, rows)


def _meta(card: dict[str, Any]) -> list[str]:
    m = card["meta"]
    prompts = "; ".join(f"{p} ({', '.join(h) or 'unknown'})" for p, h in m["prompts"].items())
    models = "; ".join(f"{name} {json.dumps(s['generate_config'])}" for name, s in m["models"].items())
    rows = [
        ["generated", m["generated"]],
        ["run dates", ", ".join(m["run_dates"])],
        ["fixture version", ", ".join(m["fixture_versions"]) or "unknown"],
        ["task set version", ", ".join(m["task_set_versions"]) or "unknown"],
        ["scorer version", ", ".join(m["scorer_versions"]) or "unknown"],
        ["prompts (sha256)", prompts],
        ["models (settings)", models],
        ["epochs", ", ".join(map(str, m["epochs"]))],
        [
            "logs",
            str(m["logs"])
            + (f" ({m['superseded_samples']} retried samples superseded)" if m["superseded_samples"] else ""),
        ],
        ["intervals", m["intervals"]],
    ]
    return _table(["", ""], rows)


def _errors(card: dict[str, Any]) -> list[str]:
    if not card["errors"]:
        return ["None."]
    rows = [
        [f"{e['model']} · {e['prompt']}", e["task_id"], str(e["epoch"]), e["error"][:160].replace("\n", " ")]
        for e in card["errors"]
    ]
    return _table(["run", "task", "epoch", "error"], rows)


def to_markdown(card: dict[str, Any], figures: dict[str, str] | None = None) -> str:
    """The scorecard as Markdown; ``figures`` maps figure names to image sources (paths or data URIs)."""
    from scorecards.figures import ALT

    figures = figures or {}
    out = ["# alloy-bench scorecard", ""]
    out += [
        "Means with 95% confidence intervals. Errored samples (infrastructure) are counted apart, never as",
        "agent failures.",
        "",
        "## Headline",
        "",
        *_headline(card),
        "",
    ]
    if "headline" in figures:
        out += [f"![{ALT['headline']}]({figures['headline']})", ""]
    out += ["## Graded metrics", "", *_graded(card), "", "## pass^k over epochs (strict success)", "", *_pass_k(card)]
    out += [
        "",
        "## Rule violation rates",
        "",
        "Violations among the samples where the rule applied and was scored.",
        "",
    ]
    out += _rules(card)
    if "rules" in figures:
        out += ["", f"![{ALT['rules']}]({figures['rules']})"]
    out += ["", "## By category", "", *_breakdown(card, "by_category")]
    if "categories" in figures:
        out += ["", f"![{ALT['categories']}]({figures['categories']})"]
    out += ["", "## By difficulty", "", *_breakdown(card, "by_difficulty"), "", "## Usage", "", *_usage(card)]
    out += ["", "## Infrastructure errors", "", *_errors(card), "", "## Metadata", "", *_meta(card), ""]
    return "\n".join(out)


STYLE = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2rem auto; padding: 0 1rem; color: #1b1b1b; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: left; }
th { background: #f3f3f3; }
img { max-width: 100%; display: block; margin: 0.5rem 0 1.5rem; }
code { background: #f3f3f3; padding: 0 0.2rem; }
"""


def to_html(card: dict[str, Any], pngs: dict[str, bytes]) -> str:
    """A self-contained HTML page: the Markdown scorecard rendered, the figures embedded as data URIs."""
    sources = {name: "data:image/png;base64," + base64.b64encode(data).decode() for name, data in pngs.items()}
    body = MarkdownIt("commonmark").enable("table").render(to_markdown(card, sources))
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape('alloy-bench scorecard')}</title>\n<style>{STYLE}</style>\n</head>\n"
        f"<body>\n{body}</body>\n</html>\n"
    )


def write_dataset(card: dict[str, Any], out: Path) -> Path:
    """Per-sample results as a ``datasets`` Dataset (parquet) in the directory ``out``."""
    from datasets import Dataset, disable_progress_bars

    disable_progress_bars()
    out.mkdir(parents=True, exist_ok=True)
    rows = [
        {**{k: v for k, v in s.items() if k != "rules"}, "rules": json.dumps(s["rules"], sort_keys=True)}
        for s in card["samples"]
    ]
    target = out / DATASET_FILE
    Dataset.from_list(rows).to_parquet(str(target))
    (out / "meta.json").write_text(json.dumps(card["meta"], indent=2) + "\n")
    return target


def write(card: dict[str, Any], fmt: str, out: Path | None) -> str:
    """Writes the scorecard in ``fmt`` to ``out`` (Markdown figures go to ``<out stem>-figures/``) and returns
    what to print: the document itself when there is no ``out``, else a line naming what was written."""
    from scorecards.figures import render_all

    if fmt not in FORMATS:
        raise ValueError(f"unknown scorecard format {fmt!r}")
    if fmt == "json":
        text = json.dumps(card, indent=2) + "\n"
    elif fmt == "dataset":
        if out is None:
            raise ValueError("--format dataset needs --out DIR")
        return f"wrote {write_dataset(card, out)} ({len(card['samples'])} samples)\n"
    elif fmt == "html":
        text = to_html(card, render_all(card))
    else:
        sources = {}
        if out is not None:
            folder = out.parent / f"{out.stem}-figures"
            folder.mkdir(parents=True, exist_ok=True)
            for name, png in render_all(card).items():
                (folder / f"{name}.png").write_bytes(png)
                sources[name] = f"{folder.name}/{name}.png"
        text = to_markdown(card, sources)
    if out is None:
        return text
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    return f"wrote {out}\n"
