"""Inspect logs of alloy-bench runs → pandas tables, through ``inspect_ai.analysis`` (sample summaries only,
so that thousands of samples load in seconds).

``Results.samples`` has one row per graded sample: ``model``, ``prompt`` (the prompt variant),
``prompt_sha256``, ``task_id``, ``task_version``, ``category``, ``difficulty``, ``epoch``, the metrics of
``scorers.alloy_scorer.METRICS``, ``verdicts`` ({rule id: pass | fail | not-applicable | unscored}),
``total_tokens``, ``cost`` (dollars, when the provider reports it), ``total_time``, ``working_time``,
``grading_seconds`` and ``log``. ``Results.errors`` holds the samples that errored (infrastructure, never an
agent failure) with their message. ``Results.runs`` has one row per log (the metadata block's source).
When a run was retried (eval sets), the same (model, prompt, task, epoch) appears in several logs: the graded
one wins over an errored one, then the newest; ``Results.superseded`` counts the rows dropped.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from inspect_ai.analysis import EvalColumn, EvalInfo, EvalModel, SampleColumn, SampleSummary, evals_df, samples_df
from inspect_ai.log import EvalSampleSummary, list_eval_logs, read_eval_log_samples

from evals.errors import SetupError
from scorers.alloy_scorer import METRICS

SCORER = "alloy_scorer"
TASK_NAMES = {"alloy_bench", "alloy-bench"}
KEY = ["model", "prompt", "task_id", "epoch"]


@dataclass
class Results:
    samples: pd.DataFrame
    errors: pd.DataFrame
    runs: pd.DataFrame
    superseded: int = 0

    @property
    def rule_ids(self) -> list[str]:
        return sorted({rule for verdicts in self.samples["verdicts"] for rule in verdicts})

    def groups(self) -> list[tuple[str, str]]:
        """(model, prompt) pairs present, graded or errored."""
        keys = set(zip(self.samples["model"], self.samples["prompt"], strict=True))
        keys |= set(zip(self.errors["model"], self.errors["prompt"], strict=True))
        return sorted(keys)

    def select(self, model: str, prompt: str) -> Results:
        s, e = self.samples, self.errors
        return Results(
            s[(s.model == model) & (s.prompt == prompt)].reset_index(drop=True),
            e[(e.model == model) & (e.prompt == prompt)].reset_index(drop=True),
            self.runs[(self.runs.model == model) & (self.runs.prompt == prompt)].reset_index(drop=True),
        )


def log_files(paths: Iterable[str | Path]) -> list[str]:
    """The Inspect log files in ``paths`` (files or directories, searched recursively)."""
    files: list[str] = []
    for raw in paths:
        path = Path(str(raw).removeprefix("file://"))
        if not path.exists():
            raise SetupError(f"no such log file or directory: {raw}")
        if path.is_dir():
            files += [info.name for info in list_eval_logs(str(path), recursive=True)]
        else:
            files.append(str(path))
    return files


def _score_metadata(summary: EvalSampleSummary, key: str) -> Any:
    score = (summary.scores or {}).get(SCORER)
    return (score.metadata or {}).get(key) if score is not None else None


def _json(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in "{[":
        return json.loads(value)
    return value


def _cost(usage: Any) -> float | None:
    costs = [u.get("total_cost") for u in (_json(usage) or {}).values() if isinstance(u, dict)]
    costs = [c for c in costs if c is not None]
    return float(sum(costs)) if costs else None


SAMPLE_COLUMNS = [
    *SampleSummary,
    *EvalModel,
    EvalColumn("task_name", path="eval.task"),
    EvalColumn("created", path="eval.created"),
    EvalColumn("prompt_variant", path="eval.metadata.prompt_variant"),
    EvalColumn("prompt_sha256", path="eval.metadata.prompt_sha256"),
    SampleColumn("verdicts", path=lambda s: _score_metadata(s, "verdicts")),
    SampleColumn("grading_seconds", path=lambda s: _score_metadata(s, "grading_seconds")),
]


def _full_verdicts(log: str) -> dict[tuple[str, int], dict[str, str]]:
    """Rule verdicts read from full samples, for logs written before summaries carried them."""
    found = {}
    for sample in read_eval_log_samples(log, all_samples_required=False):
        score = (sample.scores or {}).get(SCORER)
        rules = (score.metadata or {}).get("rules", {}) if score is not None else {}
        found[(str(sample.id), sample.epoch)] = {rule: r["verdict"] for rule, r in rules.items()}
    return found


def _rows(raw: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = pd.DataFrame(
        {
            "model": raw["model"],
            "prompt": raw["metadata_prompt_variant"].fillna(raw["prompt_variant"]).fillna("unknown").astype(str),
            "prompt_sha256": raw["prompt_sha256"].fillna("").astype(str),
            "task_id": raw["id"].astype(str),
            "task_version": raw.get("metadata_task_version"),
            "category": raw.get("metadata_category", pd.Series(dtype=str)).fillna("unknown"),
            "difficulty": raw.get("metadata_difficulty", pd.Series(dtype=str)).fillna("unknown"),
            "epoch": raw["epoch"].astype(int),
            "log": raw["log"],
            "created": raw["created"].astype(str),
            "error": raw["error"].fillna("").astype(str),
            "total_tokens": raw["total_tokens"].fillna(0).astype(float),
            "cost": [_cost(u) for u in raw["model_usage"]],
            "total_time": raw["total_time"].astype(float),
            "working_time": raw["working_time"].astype(float),
            "grading_seconds": pd.to_numeric(raw["grading_seconds"], errors="coerce"),
        }
    )
    scores = [_json(v) for v in raw.get("score_alloy_scorer", pd.Series([None] * len(raw)))]
    graded = [isinstance(v, dict) and not err for v, err in zip(scores, frame["error"], strict=True)]
    for name in METRICS:
        frame[name] = [float(v.get(name, 0)) if isinstance(v, dict) else float("nan") for v in scores]
    frame["verdicts"] = [_json(v) if isinstance(_json(v), dict) else None for v in raw["verdicts"]]
    mask = pd.Series(graded, index=frame.index)
    errors = frame[~mask].copy()
    errors.loc[errors["error"] == "", "error"] = "not scored"
    return frame[mask].copy(), errors


def _dedupe(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values("created").drop_duplicates(KEY, keep="last")


def load(paths: Iterable[str | Path]) -> Results:
    """Every alloy-bench sample in the logs under ``paths`` (SetupError when there is none)."""
    paths = list(paths)
    files = log_files(paths)
    if not files:
        raise SetupError(f"no Inspect logs in {', '.join(map(str, paths))}; run `alloy-bench run` first")
    raw = samples_df(files, columns=SAMPLE_COLUMNS, quiet=True)
    raw = raw[raw["task_name"].isin(TASK_NAMES)].reset_index(drop=True)
    if raw.empty:
        raise SetupError(f"no alloy-bench samples in the logs under {', '.join(map(str, paths))}")
    samples, errors = _rows(raw)
    for log in samples.loc[samples["verdicts"].isna(), "log"].unique():
        found = _full_verdicts(log)
        rows = samples["log"] == log
        samples.loc[rows, "verdicts"] = pd.Series(
            [
                found.get((t, e), {})
                for t, e in zip(samples.loc[rows, "task_id"], samples.loc[rows, "epoch"], strict=True)
            ],
            index=samples.index[rows],
        )
    before = len(samples) + len(errors)
    samples = _dedupe(samples)
    graded_keys = set(map(tuple, samples[KEY].to_numpy().tolist()))
    errors = _dedupe(errors)
    keep = [tuple(k) not in graded_keys for k in errors[KEY].to_numpy().tolist()]
    errors = errors[pd.Series(keep, index=errors.index, dtype=bool)]
    superseded = before - len(samples) - len(errors)
    order = [*KEY]
    return Results(
        samples.sort_values(order).reset_index(drop=True),
        errors.sort_values(order).reset_index(drop=True),
        _runs(files),
        superseded,
    )


def _runs(files: list[str]) -> pd.DataFrame:
    columns = [
        *EvalInfo,
        *EvalModel,
        EvalColumn("task_name", path="eval.task"),
        EvalColumn("epochs", path="eval.config.epochs"),
        EvalColumn("status", path="status"),
    ]
    raw = evals_df(files, columns=columns, quiet=True)
    raw = raw[raw["task_name"].isin(TASK_NAMES)].reset_index(drop=True)
    meta = [_json(m) or {} for m in raw["metadata"]]
    return pd.DataFrame(
        {
            "log": raw["log"],
            "model": raw["model"],
            "prompt": [str(m.get("prompt_variant", "unknown")) for m in meta],
            "prompt_sha256": [m.get("prompt_sha256") for m in meta],
            "fixture_version": [m.get("fixture_version") for m in meta],
            "task_set_sha256": [m.get("task_set_sha256") for m in meta],
            "scorer_version": [m.get("scorer_version") for m in meta],
            "generate_config": [_json(c) for c in raw["model_generate_config"]],
            "epochs": raw["epochs"].fillna(1).astype(int),
            "created": raw["created"].astype(str),
            "status": raw["status"],
        }
    )
